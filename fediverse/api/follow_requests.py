"""``/api/v1/follow_requests`` (docs.joinmastodon.org/methods/follow_requests): a locked
person sees who asks to follow and answers with ``Accept`` or ``Reject``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor
from community.context import AppContext
from community.errors import InvalidInput
from community.statuses import pending_follower_ids
from community.storage.database import Conn
from fediverse.api.auth import Caller, require
from fediverse.api.common import answer, change_relationship, render_accounts
from fediverse.api.errors import ApiError, not_found
from fediverse.web.state import context
from outbox.actions import answer_request


async def index(request: Request) -> Response:
    caller = await require(request, "read:follows")
    async with context(request).pool.acquire() as conn:
        ids = await pending_follower_ids(conn, caller.person)
        return answer(await render_accounts(request, conn, ids))


async def _authorize(conn: Conn, ctx: AppContext, caller: Caller, follower: Actor) -> None:
    await answer_request(conn, ctx.urls, caller.person, follower, approve=True)


async def _reject(conn: Conn, ctx: AppContext, caller: Caller, follower: Actor) -> None:
    await answer_request(conn, ctx.urls, caller.person, follower, approve=False)


def _unknown(exc: InvalidInput) -> ApiError:
    """Someone who does not ask to follow: Mastodon answers 404."""
    return not_found()


async def authorize(request: Request) -> Response:
    return await change_relationship(request, _authorize, _unknown)


async def reject(request: Request) -> Response:
    return await change_relationship(request, _reject, _unknown)


routes = [
    Route("/api/v1/follow_requests", index, methods=["GET"]),
    Route("/api/v1/follow_requests/{id}/authorize", authorize, methods=["POST"]),
    Route("/api/v1/follow_requests/{id}/reject", reject, methods=["POST"]),
]
