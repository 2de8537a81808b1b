"""``Announce``: a group we follow (a Lemmy community, a group on another server) shares.

Both forms are understood: FEP-1b12's ``Announce{activity}`` is unwrapped and the inner
activity handled as if its author had sent it, and the microblog ``Announce{object}`` stores
the object. Whatever is embedded from another origin is checked against that origin: the
inner activity is re-fetched from its id (a ``Delete`` is believed when its object is gone).
A post is stored once however many groups share it; each share is recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from community.actors import find_actor_by_uri
from community.context import AppContext
from community.notifications import notify
from community.posts import find_post, record_share, store_post
from community.remote import authority_of
from community.storage.queries import load_queries
from federation.errors import Gone, NotFound
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor, fetch_from_origin, trusted_object
from inbox.handlers.create import check_post
from inbox.model import Received

Q = load_queries("inbox")
QC = load_queries("community")
Handler = Callable[[AppContext, Received], Awaitable[str]]
INNER_TYPES = frozenset(
    {"Create", "Update", "Delete", "Like", "Dislike", "Undo", "Remove", "Add", "Block"}
)


async def vouch_inner(
    ctx: AppContext, rx: Received, inner: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """The inner activity as its origin vouches for it, and that origin."""
    inner_uri = id_of(inner)
    actor_uri = id_of(inner.get("actor"))
    if not inner_uri or not actor_uri or authority_of(inner_uri) != authority_of(actor_uri):
        raise Refused("the wrapped activity's id and actor are on different hosts")
    if authority_of(inner_uri) == rx.vouched_by:
        return inner, rx.vouched_by
    if ctx.urls.is_local(inner_uri):
        # one of our own activities, shared back to us: our copy is the truth
        async with ctx.pool.acquire() as conn:
            record = await conn.fetchrow(QC["get_activity_by_uri"], inner_uri)
        if record is None:
            raise Refused("a wrapped activity claiming to be ours that we never sent")
        return orjson.loads(record["body"]), ctx.urls.domain
    if inner.get("type") == "Delete":
        return inner, await vouch_deletion(ctx, id_of(inner.get("object")) or "")
    fetched = await fetch_from_origin(ctx, inner_uri)
    if fetched.get("type") != inner.get("type") or id_of(fetched.get("actor")) != actor_uri:
        raise Refused("the wrapped activity differs from what its origin serves")
    return fetched, authority_of(inner_uri)


async def vouch_deletion(ctx: AppContext, object_uri: str) -> str:
    try:
        document = await ctx.remote.fetcher.fetch_document(object_uri)
    except (Gone, NotFound):
        return authority_of(object_uri)
    if document.json.get("type") == "Tombstone":
        return authority_of(object_uri)
    raise Refused("the wrapped Delete's object still exists at its origin")


async def handle_wrapped(ctx: AppContext, rx: Received, inner: dict[str, Any]) -> str:
    from inbox.handlers import REGISTRY

    kind = inner.get("type")
    if not isinstance(kind, str) or kind not in INNER_TYPES:
        raise Refused(f"a group's Announce of {kind!r} is not handled")
    trusted, origin = await vouch_inner(ctx, rx, inner)
    unwrapped = Received(
        activity_uri=id_of(trusted) or "", activity_type=kind,
        actor_uri=id_of(trusted.get("actor")) or "", body=orjson.dumps(trusted).decode(),
        activity=trusted, vouched_by=origin, via_group_uri=rx.actor_uri,
        extra={"announce_uri": rx.activity_uri},
    )  # fmt: skip
    return await REGISTRY[kind](ctx, unwrapped)


async def handle_boost(ctx: AppContext, rx: Received) -> str:
    obj = await trusted_object(ctx, rx)
    author_uri = id_of(obj.get("attributedTo")) or ""
    check_post(obj, author_uri)
    author = await ensure_actor(ctx, author_uri)
    async with ctx.pool.acquire() as conn, conn.transaction():
        group = await find_actor_by_uri(conn, rx.actor_uri)
        assert group is not None
        post = await find_post(conn, id_of(obj) or "")
        if post is None:
            post, _ = await store_post(
                conn, obj, author, group if group.is_group else None, local=False
            )
        await record_share(conn, post, group, rx.activity_uri)
        await notify(conn, post.author_id, "reblog", group.id, post.id)
    return f"shared by {group.handle}"


async def handle(ctx: AppContext, rx: Received) -> str:
    if rx.local:
        return "our own group's announce: already stored"
    announcer = await ensure_actor(ctx, rx.actor_uri)
    async with ctx.pool.acquire() as conn:
        followed = await conn.fetchval(Q["followed_by_local"], announcer.id)
    if not followed:
        raise Refused("an Announce from someone no one here follows")
    inner = rx.object
    if isinstance(inner, dict) and inner.get("type") in INNER_TYPES:
        return await handle_wrapped(ctx, rx, inner)
    return await handle_boost(ctx, rx)
