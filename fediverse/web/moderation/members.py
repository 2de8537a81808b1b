"""Who joins a community, and where its members are, for its moderators: the requests to
join a closed or private community (``/@NAME/moderation/requests``: approve or reject) and
the servers its members are on (``/@NAME/moderation/servers``: whether each receives its
members-only posts, and why).

The same functions as ``fediverse group requests|approve|reject|servers`` and
``GET /api/v1/groups/NAME/servers``: :func:`community.membership.pending_requests`,
:func:`outbox.actions.answer_request` (the ``Accept`` or ``Reject`` of the ``Follow``) and
:func:`outbox.moderation.member_servers_seen_by` (docs/private-communities.md). Only the
community's moderators (and the server's administrators) reach them (:func:`desk`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import find_actor_by_id
from community.audience import members_only
from community.errors import InvalidInput, NotFoundError
from community.membership import pending_requests
from community.software import PRIVATE_REASONS
from fediverse.web.forms import posted_form
from fediverse.web.moderation.common import desk, show
from fediverse.web.state import context
from outbox.actions import answer_request
from outbox.moderation import member_servers_seen_by

DECISIONS = {"approve": True, "reject": False}


async def requests_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        waiting = await pending_requests(conn, place.group)
    return show(
        place,
        "moderation/requests.html",
        "/requests",
        requests=waiting,
        closed=place.group.manually_approves_followers,
    )


async def answer(request: Request) -> Response:
    """Approve or reject one person's request to join (``Accept`` or ``Reject`` sent)."""
    place = await desk(request)
    form = await posted_form(request)
    person_id = request.path_params["id"]
    decision = str(form.get("decision", ""))
    if not person_id.isdigit() or len(person_id) > 18:
        raise NotFoundError("request to join")
    if decision not in DECISIONS:
        raise InvalidInput("approve or reject the request")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        person = await find_actor_by_id(conn, int(person_id))
        if person is None:
            raise NotFoundError("request to join")
        await answer_request(conn, ctx.urls, place.group, person, approve=DECISIONS[decision])
    said = urlencode({"done": f"{decision}_member"})
    return RedirectResponse(f"{place.base}/requests?{said}", status_code=303)


async def servers_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        servers = await member_servers_seen_by(conn, place.who, place.group)
    return show(
        place,
        "moderation/servers.html",
        "/servers",
        servers=servers,
        reasons=PRIVATE_REASONS,
        private=members_only(place.group),
    )


routes = [
    Route("/@{name}/moderation/requests", requests_page, methods=["GET"]),
    Route("/@{name}/moderation/requests/{id}", answer, methods=["POST"]),
    Route("/@{name}/moderation/servers", servers_page, methods=["GET"]),
]
