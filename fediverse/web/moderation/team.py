"""A community's moderator team (``/@NAME/moderation/team``): add someone here or on another
server (``@name@host``), remove someone, step down; and the proposals waiting for the
moderators' votes (``/@NAME/moderation/proposals``).

Team changes are :func:`outbox.moderation.change_team` (a proposal when the team has two or
more, except stepping down); votes are :func:`outbox.moderation.decide_proposal`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import find_actor_by_id
from community.errors import NotFoundError
from community.governance import moderators_of
from community.moderation_pages import named_on_log
from fediverse.web.forms import posted_form, text_field
from fediverse.web.moderation.common import Desk, back, desk, person_named, show
from fediverse.web.moderation.words import Names, phrase, uris_in
from fediverse.web.state import context
from outbox.governance import Proposed
from outbox.governance.views import proposal_views
from outbox.moderation import change_team, decide_proposal

MAX_REASON = 1000
MAX_HANDLE = 300


async def team_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        team = await moderators_of(conn, place.group)
    return show(place, "moderation/team.html", "/team", team=team)


async def add_moderator(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    person = await person_named(request, text_field(form, "handle", MAX_HANDLE))
    return await _change(place, person.id, text_field(form, "reason", MAX_REASON), add=True)


async def remove_moderator(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    person_id = text_field(form, "person", 20)
    if not person_id.isdigit():
        raise NotFoundError("moderator")
    return await _change(place, int(person_id), text_field(form, "reason", MAX_REASON), add=False)


async def _change(place: Desk, person_id: int, reason: str, *, add: bool) -> Response:
    ctx = context(place.seen.request)
    async with ctx.pool.acquire() as conn:
        person = await find_actor_by_id(conn, person_id)
        if person is None:
            raise NotFoundError("person")
        result = await change_team(
            conn, ctx.urls, place.who, place.group, person, add=add, reason=reason.strip()
        )
    kind = "add_moderator" if add else "remove_moderator"
    return back(place.base + "/team", result, kind)


async def proposals_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        views = await proposal_views(conn, place.group, open_only=True)
        uris = [u for v in views for u in uris_in(v.proposal.params)]
        names = Names(await named_on_log(conn, uris))
    me = place.who.actor.uri
    return show(
        place,
        "moderation/proposals.html",
        "/proposals",
        proposals=[
            (v, phrase(v.proposal.kind, v.proposal.params, names, done=False), dict(v.votes))
            for v in views
            if v.status == "open"
        ],
        me=me,
    )


async def vote(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    proposal_id = request.path_params["id"]
    if not proposal_id.isdigit() or len(proposal_id) > 18:
        raise NotFoundError("proposal")
    approve = form.get("vote") == "approve"
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        result = await decide_proposal(
            conn, ctx.urls, place.who, place.group, int(proposal_id), approve=approve
        )
    if isinstance(result, Proposed):  # counted; it waits for more
        return RedirectResponse(place.base + "/proposals?voted=1", status_code=303)
    return back(place.base + "/proposals", result, "vote")


routes = [
    Route("/@{name}/moderation/team", team_page, methods=["GET"]),
    Route("/@{name}/moderation/team/add", add_moderator, methods=["POST"]),
    Route("/@{name}/moderation/team/remove", remove_moderator, methods=["POST"]),
    Route("/@{name}/moderation/proposals", proposals_page, methods=["GET"]),
    Route("/@{name}/moderation/proposals/{id}", vote, methods=["POST"]),
]
