"""``GET /api/v2/search`` (docs.joinmastodon.org/methods/search): accounts by name, and with
``resolve=true`` people and groups of other servers by WebFinger (``@name@host``) or
anything by URL. This is how a member finds a community elsewhere. Statuses are found only
by URL (no full-text search); hashtags are echoed back."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor, find_actor_by_uri_or_url
from community.posts import Post, find_post_by_uri_or_url
from community.resolve import resolve_url
from community.statuses import search_actor_ids
from fediverse.api.auth import optional
from fediverse.api.common import (
    answer,
    render_accounts,
    render_posts,
    resolve_remote,
    visible_ids,
)
from fediverse.api.errors import ApiError
from fediverse.api.params import read_params
from fediverse.web.state import context

HANDLE_RE = re.compile(r"^@?[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+(:\d+)?$")
TAG_RE = re.compile(r"^#?(\w{1,100})$")
NEEDS_LOGIN = (
    "Search queries that resolve remote resources are not supported without authentication"
)


async def _by_url(request: Request, q: str, resolve: bool) -> Actor | Post | None:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        known = await find_post_by_uri_or_url(conn, q) or await find_actor_by_uri_or_url(conn, q)
    if known is not None:
        return known
    if not resolve or ctx.urls.is_local(q):
        return None
    return await resolve_url(ctx, q)


async def _accounts(
    request: Request, q: str, resolve: bool, limit: int, following: int | None
) -> list[int]:
    """The account a handle names (resolved elsewhere if asked), then name matches here."""
    found: list[int] = []
    if resolve and HANDLE_RE.match(q):
        actor = await resolve_remote(request, "@" + q.lstrip("@"))
        if actor is not None:
            found.append(actor.id)
    async with context(request).pool.acquire() as conn:
        for actor_id in await search_actor_ids(conn, q, limit, followed_by=following):
            if actor_id not in found:
                found.append(actor_id)
    return found


async def search(request: Request) -> Response:
    caller = await optional(request, "read:search")
    params = await read_params(request)
    q = (params.text("q") or "").strip()[:500]
    kind = params.text("type")
    resolve = params.flag("resolve")
    if resolve and caller is None:
        raise ApiError(401, NEEDS_LOGIN)
    limit = max(1, min(params.integer("limit") or 20, 40))
    viewer = caller.actor if caller else None
    account_ids: list[int] = []
    post_ids: list[int] = []
    if q.startswith(("https://", "http://")):
        found = await _by_url(request, q, resolve)
        if isinstance(found, Actor) and found.type != "Application":
            account_ids.append(found.id)
        elif isinstance(found, Post):
            post_ids.append(found.id)
    elif kind in (None, "accounts") and q:
        following = viewer.id if viewer and params.flag("following") else None
        account_ids = await _accounts(request, q, resolve, limit, following)
    async with context(request).pool.acquire() as conn:
        accounts = await render_accounts(request, conn, account_ids[:limit])
        statuses = await render_posts(request, conn, await visible_ids(conn, post_ids, viewer),
                                      viewer)  # fmt: skip
    tag = TAG_RE.match(q)
    hashtags: list[dict[str, object]] = []
    if tag and kind in (None, "hashtags") and not q.startswith("@"):
        hashtags = [{"name": tag[1], "url": context(request).urls.tag_url(tag[1]),
                     "history": [], "following": False}]  # fmt: skip
    return answer({
        "accounts": accounts if kind in (None, "accounts") else [],
        "statuses": statuses if kind in (None, "statuses") else [],
        "hashtags": hashtags,
    })  # fmt: skip


routes = [Route("/api/v2/search", search, methods=["GET"])]
