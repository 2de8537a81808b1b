"""``GET /api/v1/groups/NAME/servers``: the servers where a community has accepted members, and
whether each receives its members-only posts and why (moderators only; docs/api.md,
docs/private-communities.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediverse.api.auth import require
from fediverse.api.common import answer
from fediverse.api.groups import local_group, moderator_of, refused
from fediverse.web.state import context
from outbox.errors import ActRefused
from outbox.moderation import member_servers_seen_by, server_json


async def servers(request: Request) -> Response:
    caller = await require(request, "read")
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        try:
            found = await member_servers_seen_by(conn, who, group)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer([server_json(s) for s in found])


routes = [Route("/api/v1/groups/{name}/servers", servers, methods=["GET"])]
