"""``GET /api/v2/search`` (docs.joinmastodon.org/methods/search): accounts by name, and with
``resolve=true`` people and groups of other servers by WebFinger (``@name@host``) or
anything by URL. This is how a member finds a community elsewhere. Statuses are found only
by URL (no full-text search); hashtags are echoed back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor, find_actor_by_uri_or_url
from community.posts import Post, find_post_by_uri_or_url
from community.resolve import resolve_url
from community.statuses import search_actor_ids
from fediverse.api.auth import Caller, optional
from fediverse.api.common import (
    answer,
    render_accounts,
    render_posts,
    resolve_remote,
    visible_ids,
)
from fediverse.api.entities import JSON
from fediverse.api.errors import ApiError
from fediverse.api.params import Params, read_params
from fediverse.web.state import context

HANDLE_RE = re.compile(r"^@?[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+(:\d+)?$")
TAG_RE = re.compile(r"^#?(\w{1,100})$")
NEEDS_LOGIN = (
    "Search queries that resolve remote resources are not supported without authentication"
)


@dataclass(frozen=True)
class Query:
    """One search: its text, what kind of result it wants, and how far to look."""

    text: str
    kind: str | None
    resolve: bool
    limit: int
    #: only accounts this actor follows
    following: int | None


def _read_query(params: Params, caller: Caller | None) -> Query:
    resolve = params.flag("resolve")
    if resolve and caller is None:
        raise ApiError(401, NEEDS_LOGIN)
    viewer = caller.actor if caller else None
    return Query(
        text=(params.text("q") or "").strip()[:500],
        kind=params.text("type"),
        resolve=resolve,
        limit=max(1, min(params.integer("limit") or 20, 40)),
        following=viewer.id if viewer and params.flag("following") else None,
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


async def _accounts(request: Request, query: Query) -> list[int]:
    """The account a handle names (resolved elsewhere if asked), then name matches here."""
    found: list[int] = []
    q = query.text
    if query.resolve and HANDLE_RE.match(q):
        actor = await resolve_remote(request, "@" + q.lstrip("@"))
        if actor is not None:
            found.append(actor.id)
    async with context(request).pool.acquire() as conn:
        matches = await search_actor_ids(conn, q, query.limit, followed_by=query.following)
    return list(dict.fromkeys(found + matches))


async def _matches(request: Request, query: Query) -> tuple[list[int], list[int]]:
    """(account ids, post ids) that ``query`` finds."""
    if query.text.startswith(("https://", "http://")):
        found = await _by_url(request, query.text, query.resolve)
        if isinstance(found, Actor) and found.type != "Application":
            return [found.id], []
        return ([], [found.id]) if isinstance(found, Post) else ([], [])
    if query.kind in (None, "accounts") and query.text:
        return await _accounts(request, query), []
    return [], []


def _hashtags(request: Request, query: Query) -> list[JSON]:
    """A query that reads as a hashtag comes back as one (we keep no index of hashtags)."""
    tag = TAG_RE.match(query.text)
    if not tag or query.kind not in (None, "hashtags") or query.text.startswith("@"):
        return []
    url = context(request).urls.tag_url(tag[1])
    return [{"name": tag[1], "url": url, "history": [], "following": False}]


async def search(request: Request) -> Response:
    caller = await optional(request, "read:search")
    query = _read_query(await read_params(request), caller)
    viewer = caller.actor if caller else None
    account_ids, post_ids = await _matches(request, query)
    async with context(request).pool.acquire() as conn:
        accounts = await render_accounts(request, conn, account_ids[: query.limit])
        visible = await visible_ids(conn, post_ids, viewer)
        statuses = await render_posts(request, conn, visible, viewer)
    return answer(
        {
            "accounts": accounts if query.kind in (None, "accounts") else [],
            "statuses": statuses if query.kind in (None, "statuses") else [],
            "hashtags": _hashtags(request, query),
        }
    )


routes = [Route("/api/v2/search", search, methods=["GET"])]
