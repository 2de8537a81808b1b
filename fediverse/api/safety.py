"""Blocks, mutes and blocks of servers (docs.joinmastodon.org/methods/accounts#block,
``/methods/blocks``, ``/methods/mutes``, ``/methods/domain_blocks``).

A block ends the follows both ways and, for an account elsewhere, sends ``Block``
(:mod:`outbox.blocks`); mutes stay here. What they hide, every timeline, thread,
notification list and stream leaves out (:mod:`community.safety`).
"""

from __future__ import annotations

from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import safety
from community.actors import Actor
from community.context import AppContext
from community.errors import InvalidInput
from community.storage.database import Conn
from fediverse.api.auth import Caller, require
from fediverse.api.common import answer, change_relationship, render_accounts
from fediverse.api.entities import iso
from fediverse.api.errors import ApiError, invalid
from fediverse.api.params import Params, link_header, read_page, read_params
from fediverse.web.state import context
from outbox import blocks


def _refused(exc: InvalidInput) -> ApiError:
    return ApiError(403, str(exc))


async def _block(conn: Conn, ctx: AppContext, caller: Caller, target: Actor) -> None:
    await blocks.block(conn, ctx.urls, caller.person, target)


async def _unblock(conn: Conn, ctx: AppContext, caller: Caller, target: Actor) -> None:
    await blocks.unblock(conn, ctx.urls, caller.person, target)


async def block(request: Request) -> Response:
    return await change_relationship(request, _block, _refused, "write:blocks")


async def unblock(request: Request) -> Response:
    return await change_relationship(request, _unblock, _refused, "write:blocks")


def _mute_settings(params: Params) -> tuple[bool, int | None]:
    """Mastodon's ``notifications`` (default true) and ``duration`` (seconds, 0: for ever)."""
    return params.flag("notifications", default=True), params.integer("duration")


async def _mute(
    settings: tuple[bool, int | None], conn: Conn, ctx: AppContext, caller: Caller, target: Actor
) -> None:
    notifications, duration = settings
    expires_at = safety.mute_expiry(duration)
    await safety.record_mute(
        conn, caller.person.id, target.id, notifications=notifications, expires_at=expires_at
    )


async def _unmute(conn: Conn, ctx: AppContext, caller: Caller, target: Actor) -> None:
    await safety.remove_mute(conn, caller.person.id, target.id)


def _unprocessable(exc: InvalidInput) -> ApiError:
    return invalid(str(exc))


async def mute(request: Request) -> Response:
    settings = _mute_settings(await read_params(request))
    return await change_relationship(
        request, partial(_mute, settings), _unprocessable, "write:mutes"
    )


async def unmute(request: Request) -> Response:
    return await change_relationship(request, _unmute, _unprocessable, "write:mutes")


async def blocked(request: Request) -> Response:
    caller = await require(request, "read:blocks")
    page = read_page(await read_params(request), default_limit=40, max_limit=80)
    async with context(request).pool.acquire() as conn:
        pairs = await safety.blocked_ids(conn, caller.person.id, page)
        rendered = await render_accounts(request, conn, [actor_id for _, actor_id in pairs])
    return answer(rendered, link_header(request, [cursor for cursor, _ in pairs]))


async def muted(request: Request) -> Response:
    """Muted accounts, each with ``mute_expires_at`` (Mastodon's ``MutedAccountSerializer``)."""
    caller = await require(request, "read:mutes")
    page = read_page(await read_params(request), default_limit=40, max_limit=80)
    async with context(request).pool.acquire() as conn:
        found = await safety.muted_ids(conn, caller.person.id, page)
        rendered = await render_accounts(request, conn, [m.target_id for m in found])
    expiries = {str(m.target_id): iso(m.expires_at) for m in found}
    for account in rendered:
        account["mute_expires_at"] = expiries.get(account["id"])
    return answer(rendered, link_header(request, [m.id for m in found]))


async def _domain(request: Request) -> str:
    value = (await read_params(request)).text("domain") or ""
    if not value.strip():
        raise ApiError(400, "param is missing or the value is empty: domain")
    try:
        return safety.account_domain(value)
    except InvalidInput as exc:
        raise invalid(str(exc)) from None


async def domain_blocks(request: Request) -> Response:
    caller = await require(request, "read:blocks")
    page = read_page(await read_params(request), default_limit=100, max_limit=200)
    async with context(request).pool.acquire() as conn:
        pairs = await safety.blocked_domains(conn, caller.person.id, page)
    return answer([domain for _, domain in pairs], link_header(request, [c for c, _ in pairs]))


async def block_domain(request: Request) -> Response:
    caller = await require(request, "write:blocks")
    domain = await _domain(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        try:
            await blocks.block_domain(conn, ctx.urls, caller.person, domain)
        except InvalidInput as exc:
            raise invalid(str(exc)) from None
    return answer({})


async def unblock_domain(request: Request) -> Response:
    caller = await require(request, "write:blocks")
    domain = await _domain(request)
    async with context(request).pool.acquire() as conn:
        await safety.unblock_domain(conn, caller.person.id, domain)
    return answer({})


routes = [
    Route("/api/v1/accounts/{id}/block", block, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unblock", unblock, methods=["POST"]),
    Route("/api/v1/accounts/{id}/mute", mute, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unmute", unmute, methods=["POST"]),
    Route("/api/v1/blocks", blocked, methods=["GET"]),
    Route("/api/v1/mutes", muted, methods=["GET"]),
    Route("/api/v1/domain_blocks", domain_blocks, methods=["GET"]),
    Route("/api/v1/domain_blocks", block_domain, methods=["POST"]),
    Route("/api/v1/domain_blocks", unblock_domain, methods=["DELETE"]),
]
