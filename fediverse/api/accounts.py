"""``/api/v1/accounts/…``: who one is, profiles, relationships, follows (docs.joinmastodon.org/
methods/accounts). People and groups, ours and others', are all accounts; groups have
``"group": true``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor, find_local_actor
from community.context import AppContext
from community.errors import InvalidInput
from community.html import text_to_html
from community.statuses import actor_entries, follow_list, relationships, update_profile
from community.storage.database import Conn
from fediverse.api.auth import Caller, optional, require
from fediverse.api.common import (
    account_actor,
    account_view,
    answer,
    change_relationship,
    path_id,
    render_accounts,
    render_entries,
    resolve_remote,
)
from fediverse.api.entities import render_account, render_relationship
from fediverse.api.errors import OUTSIDE_SCOPES, ApiError, invalid, not_found
from fediverse.api.params import link_header, read_page, read_params
from fediverse.web.state import context
from outbox import actions
from outbox.reactions import announce_profile

MAX_DISPLAY_NAME = 30
MAX_NOTE = 500


async def verify_credentials(request: Request) -> Response:
    try:
        caller = await require(request, "read:accounts")
    except ApiError as exc:  # Mastodon 4.3: the ``profile`` scope is enough here
        if exc.message != OUTSIDE_SCOPES:
            raise
        caller = await require(request, "profile")
    async with context(request).pool.acquire() as conn:
        view = await account_view(conn, caller.person.id)
    return answer(render_account(view, context(request).urls, source=True))


async def update_credentials(request: Request) -> Response:
    caller = await require(request, "write:accounts")
    params = await read_params(request)
    name, note = params.text("display_name"), params.text("note")
    if name is not None and len(name) > MAX_DISPLAY_NAME:
        raise invalid(f"Display name is too long (maximum is {MAX_DISPLAY_NAME} characters)")
    if note is not None and len(note) > MAX_NOTE:
        raise invalid(f"Note is too long (maximum is {MAX_NOTE} characters)")
    ctx = context(request)
    async with ctx.pool.acquire() as conn, conn.transaction():
        updated = await update_profile(
            conn,
            caller.person,
            name=name,
            summary_html=None if note is None else text_to_html(note),
            locked=params.flag("locked") if "locked" in params else None,
            discoverable=params.flag("discoverable") if "discoverable" in params else None,
        )
        await announce_profile(conn, ctx.urls, updated)
        view = await account_view(conn, updated.id)
    return answer(render_account(view, ctx.urls, source=True))


async def show(request: Request) -> Response:
    await optional(request, "read:accounts")
    async with context(request).pool.acquire() as conn:
        view = await account_view(conn, path_id(request))
    return answer(render_account(view, context(request).urls))


async def lookup(request: Request) -> Response:
    """``acct`` as ``name`` (ours) or ``name@host`` (known or found by WebFinger)."""
    await optional(request, "read:accounts")
    ctx = context(request)
    acct = (request.query_params.get("acct") or "").strip().lstrip("@")
    name, _, host = acct.partition("@")
    if not name:
        raise not_found()
    async with ctx.pool.acquire() as conn:
        if not host or host.lower() == ctx.urls.domain:
            actor = await find_local_actor(conn, name)
            if actor is None:
                raise not_found()
            actor_id = actor.id
        else:
            found = await resolve_remote(request, f"@{name}@{host}")
            if found is None:
                raise not_found()
            actor_id = found.id
        view = await account_view(conn, actor_id)
    return answer(render_account(view, ctx.urls))


async def statuses(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    params = await read_params(request)
    page = read_page(params)
    async with context(request).pool.acquire() as conn:
        account = await account_actor(conn, path_id(request))
        if params.flag("pinned") or params.flag("only_media"):
            return answer([])  # we keep neither pins of people nor media
        entries = await actor_entries(
            conn, account, viewer, page, exclude_replies=params.flag("exclude_replies")
        )
        rendered = await render_entries(request, conn, entries, viewer)
    return answer(rendered, link_header(request, [e.entry_id for e in entries]))


async def _follow_list(request: Request, *, following: bool) -> Response:
    await optional(request, "read:accounts")
    page = read_page(await read_params(request), default_limit=40, max_limit=80)
    async with context(request).pool.acquire() as conn:
        account = await account_actor(conn, path_id(request))
        if account.is_group and account.manually_approves_followers and not following:
            return answer([])  # a closed group's members are its own business
        pairs = await follow_list(conn, account.id, page, following=following)
        rendered = await render_accounts(request, conn, [actor_id for _, actor_id in pairs])
    return answer(rendered, link_header(request, [cursor for cursor, _ in pairs]))


async def followers(request: Request) -> Response:
    return await _follow_list(request, following=False)


async def following(request: Request) -> Response:
    return await _follow_list(request, following=True)


async def relationships_of(request: Request) -> Response:
    caller = await require(request, "read:follows")
    params = await read_params(request)
    ids = [int(i) for i in params.list("id") if i.isdigit() and len(i) < 19][:100]
    async with context(request).pool.acquire() as conn:
        found = await relationships(conn, caller.person.id, ids)
    return answer([render_relationship(i, found.get(i)) for i in ids if i in found])


async def _follow(conn: Conn, ctx: AppContext, caller: Caller, target: Actor) -> None:
    await actions.follow(conn, ctx.urls, caller.person, target)


async def _unfollow(conn: Conn, ctx: AppContext, caller: Caller, target: Actor) -> None:
    await actions.unfollow(conn, ctx.urls, caller.person, target)


def _forbidden(exc: InvalidInput) -> ApiError:
    return ApiError(403, str(exc))


async def follow(request: Request) -> Response:
    return await change_relationship(request, _follow, _forbidden)


async def unfollow(request: Request) -> Response:
    return await change_relationship(request, _unfollow, _forbidden)


routes = [
    Route("/api/v1/accounts/verify_credentials", verify_credentials, methods=["GET"]),
    Route("/api/v1/accounts/update_credentials", update_credentials, methods=["PATCH"]),
    Route("/api/v1/accounts/lookup", lookup, methods=["GET"]),
    Route("/api/v1/accounts/relationships", relationships_of, methods=["GET"]),
    Route("/api/v1/accounts/{id}", show, methods=["GET"]),
    Route("/api/v1/accounts/{id}/statuses", statuses, methods=["GET"]),
    Route("/api/v1/accounts/{id}/followers", followers, methods=["GET"]),
    Route("/api/v1/accounts/{id}/following", following, methods=["GET"]),
    Route("/api/v1/accounts/{id}/follow", follow, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unfollow", unfollow, methods=["POST"]),
]
