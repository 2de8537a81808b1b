"""Finding something of another server by its URL (search with ``resolve=true``).

The document is fetched with the instance's signed, SSRF-guarded fetcher (its ``id`` must
be the URL it was finally fetched from); an actor is stored as any fetched actor is, a post
only when it is attributed to an actor of its own host (DESIGN.md §5).
"""

from __future__ import annotations

from community.actors import Actor
from community.context import AppContext
from community.errors import FediverseError
from community.posts import POST_TYPES, Post, find_post, is_tombstoned, store_post
from community.remote import STORED_TYPES, authority_of, store_actor_document
from federation.errors import FederationError
from federation.origins import is_valid_url, same_origin
from federation.vocabulary.base import id_of


async def resolve_url(ctx: AppContext, url: str) -> Actor | Post | None:
    """The actor or post at ``url`` (fetched and stored), or None when there is none."""
    if not is_valid_url(url) or not await ctx.is_domain_allowed(authority_of(url)):
        return None
    try:
        document = await ctx.remote.fetcher.fetch_document(url)
        data, uri = document.json, document.url
        kinds = data.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(k in STORED_TYPES for k in kinds):
            async with ctx.pool.acquire() as conn:
                return await store_actor_document(conn, data, uri)
        if not any(k in POST_TYPES for k in kinds):
            return None
        author_uri = id_of(data.get("attributedTo")) or ""
        if not same_origin(author_uri, uri):
            return None
        author = await ctx.remote.get_actor(author_uri)
        async with ctx.pool.acquire() as conn:
            if await is_tombstoned(conn, uri):
                return None
            existing = await find_post(conn, uri)
            if existing is not None:
                return existing
            post, _ = await store_post(conn, data, author, None, local=False)
            return post
    except (FederationError, FediverseError):
        return None
