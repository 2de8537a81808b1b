"""``/api/v1/follow_requests`` (docs.joinmastodon.org/methods/follow_requests): a locked
person sees who asks to follow and answers with ``Accept`` or ``Reject``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.errors import InvalidInput
from community.statuses import pending_follower_ids, relationships
from fediverse.api.auth import require
from fediverse.api.common import account_actor, answer, path_id, render_accounts
from fediverse.api.entities import render_relationship
from fediverse.api.errors import not_found
from fediverse.web.state import context
from outbox.actions import answer_request


async def index(request: Request) -> Response:
    caller = await require(request, "read:follows")
    async with context(request).pool.acquire() as conn:
        ids = await pending_follower_ids(conn, caller.person)
        return answer(await render_accounts(request, conn, ids))


async def _answer(request: Request, *, approve: bool) -> Response:
    caller = await require(request, "write:follows")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        follower = await account_actor(conn, path_id(request))
        try:
            await answer_request(conn, ctx.urls, caller.person, follower, approve=approve)
        except InvalidInput:
            raise not_found() from None
        found = await relationships(conn, caller.person.id, [follower.id])
    return answer(render_relationship(follower.id, found.get(follower.id)))


async def authorize(request: Request) -> Response:
    return await _answer(request, approve=True)


async def reject(request: Request) -> Response:
    return await _answer(request, approve=False)


routes = [
    Route("/api/v1/follow_requests", index, methods=["GET"]),
    Route("/api/v1/follow_requests/{id}/authorize", authorize, methods=["POST"]),
    Route("/api/v1/follow_requests/{id}/reject", reject, methods=["POST"]),
]
