"""What the client API's resources share: finding what a caller may see, and rendering it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from community.actors import Actor, find_actor_by_id
from community.audience import may_see
from community.context import AppContext
from community.errors import FediverseError, InvalidInput
from community.posts import Post, find_post_by_id, find_posts_by_ids
from community.safety import find_block, hidden_among
from community.statuses import (
    AccountView,
    Entry,
    load_accounts,
    load_bundle,
    relationships,
    share_entry,
)
from community.storage.database import Conn
from federation.errors import FederationError
from federation.webfinger import parse_handle
from fediverse.api.auth import Caller, require
from fediverse.api.entities import JSON, render_account, render_entry, render_relationship
from fediverse.api.errors import ApiError, not_found
from fediverse.web.responses import JSONResponse
from fediverse.web.state import context

NO_CACHE = {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"}


def answer(data: Any, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers={**NO_CACHE, **(headers or {})})


def path_id(request: Request, name: str = "id") -> int:
    value = request.path_params[name]
    if isinstance(value, int):
        return value
    if not str(value).isdigit() or len(str(value)) > 18:
        raise not_found()
    return int(value)


async def visible_post(conn: Conn, post_id: int, viewer: Actor | None) -> Post:
    """The post, if ``viewer`` may see it: not when its author blocks them (as Mastodon's
    ``StatusPolicy#show?``)."""
    post = await find_post_by_id(conn, post_id)
    if post is None or not await may_see(conn, post, viewer):
        raise not_found()
    if viewer is not None and await find_block(conn, post.author_id, viewer.id) is not None:
        raise not_found()
    return post


async def visible_ids(conn: Conn, post_ids: Sequence[int], viewer: Actor | None) -> list[int]:
    """Those of ``post_ids`` that ``viewer`` may see and does not hide (a thread's posts by
    accounts blocked either way, muted, or on a blocked server are left out)."""
    posts = await find_posts_by_ids(conn, post_ids)
    hidden = await hidden_among(conn, viewer.id, {p.author_id for p in posts}) if viewer else set()
    return [p.id for p in posts if p.author_id not in hidden and await may_see(conn, p, viewer)]


async def entry_of(conn: Conn, entry_id: int) -> Entry:
    """A post's own id, or a share's (a reblog)."""
    share = await share_entry(conn, entry_id)
    return share or Entry(entry_id, entry_id, None)


async def render_entries(
    request: Request, conn: Conn, entries: Sequence[Entry], viewer: Actor | None
) -> list[JSON]:
    sharers = [e.sharer_id for e in entries if e.sharer_id is not None]
    bundle = await load_bundle(
        conn, [e.post_id for e in entries], sharers, viewer.id if viewer else None
    )
    urls = context(request).urls
    rendered = [render_entry(e, bundle, urls, viewer.id if viewer else None) for e in entries]
    return [r for r in rendered if r is not None]


async def render_posts(
    request: Request, conn: Conn, post_ids: Sequence[int], viewer: Actor | None
) -> list[JSON]:
    return await render_entries(request, conn, [Entry(i, i, None) for i in post_ids], viewer)


async def account_view(conn: Conn, actor_id: int) -> AccountView:
    views = await load_accounts(conn, [actor_id])
    view = views.get(actor_id)
    if view is None or view.actor.type == "Application":
        raise not_found()
    return view


async def account_actor(conn: Conn, actor_id: int) -> Actor:
    actor = await find_actor_by_id(conn, actor_id)
    if actor is None or actor.type == "Application":
        raise not_found()
    return actor


async def render_accounts(request: Request, conn: Conn, actor_ids: Sequence[int]) -> list[JSON]:
    views = await load_accounts(conn, actor_ids)
    urls = context(request).urls
    return [render_account(views[i], urls) for i in actor_ids if i in views]


#: What a member does to another account: follow, unfollow, answer a request to follow.
Act = Callable[[Conn, AppContext, Caller, Actor], Awaitable[None]]


async def change_relationship(
    request: Request,
    act: Act,
    refused: Callable[[InvalidInput], ApiError],
    scope: str = "write:follows",
) -> Response:
    """Do ``act`` to the account the path names; answer with the relationship it leaves."""
    caller = await require(request, scope)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        target = await account_actor(conn, path_id(request))
        try:
            await act(conn, ctx, caller, target)
        except InvalidInput as exc:
            raise refused(exc) from None
        found = await relationships(conn, caller.person.id, [target.id])
    return answer(render_relationship(target.id, found.get(target.id)))


async def resolve_remote(request: Request, handle: str) -> Actor | None:
    """``@name@host`` by WebFinger (respecting the instance policy and the SSRF guard)."""
    ctx = context(request)
    try:
        _, host = parse_handle(handle)
    except FederationError:
        return None
    if not await ctx.is_domain_allowed(host):
        return None
    try:
        return await ctx.remote.resolve_handle(handle)
    except (FederationError, FediverseError):
        return None
