"""What the moderators' pages share: who may see them, how an act's outcome comes back to
the page it was done from, and the person a form names by ``@name@host``.

A page for moderators is a local community's, seen by one of its moderators or an
administrator of this server (:func:`outbox.moderation.check_moderates`, the API's rule);
anyone else gets a 403 page with a sentence. An act redirects back with what became of it in
the address (``?done=KIND``, ``?proposed=KIND``, ``?sent=KIND``): the pages say it from a
closed set of sentences (:data:`~fediverse.web.moderation.words.DONE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from community.actors import Actor, find_local_actor
from community.errors import InvalidInput, NotFoundError
from community.pages import find_actor_by_handle
from community.storage.database import Conn
from fediverse.api.common import resolve_remote
from fediverse.web.auth import over_limit
from fediverse.web.csrf import signed_in
from fediverse.web.forms import member_visit
from fediverse.web.front import LOOKUP_LIMIT
from fediverse.web.links import actor_path
from fediverse.web.moderation.words import DONE
from fediverse.web.state import context
from fediverse.web.templating import Visit, render
from outbox.governance import Applied, Declined, Proposed, Submitted, Voted
from outbox.moderation import Moderator, acting_in, check_moderates

#: the moderators' pages of a community, in the order of their menu: (path, title)
SECTIONS = (
    ("", "Settings"),
    ("/team", "Team"),
    ("/requests", "Join requests"),
    ("/servers", "Servers"),
    ("/proposals", "Proposals"),
    ("/queue", "Queue"),
    ("/reports", "Reports"),
    ("/bans", "Bans"),
)


@dataclass(frozen=True)
class Desk:
    """A moderator's visit to a community's pages: who, which community, acting as whom."""

    seen: Visit
    group: Actor
    who: Moderator

    @property
    def base(self) -> str:
        """Where the community's moderators' pages are."""
        return actor_path(self.group) + "/moderation"


async def local_group(request: Request, conn: Conn | None = None) -> Actor:
    """The community here the path names (404 otherwise); read on ``conn`` when given."""
    name = request.path_params["name"]
    if conn is None:
        async with context(request).pool.acquire() as pooled:
            group = await find_local_actor(pooled, name)
    else:
        group = await find_local_actor(conn, name)
    if group is None or not group.is_group or group.deleted_at is not None:
        raise NotFoundError(f"community @{name}")
    return group


async def desk(request: Request) -> Desk:
    """The signed-in moderator (or admin) of the path's community; 403 for anyone else."""
    seen = await member_visit(request)
    group = await local_group(request)
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        who = await acting_in(conn, ctx.urls, seen.viewer, group)
        await check_moderates(conn, who, group)
    return Desk(seen, group, who)


def show(place: Desk, template: str, section: str, status: int = 200, **values: object) -> Response:
    """A moderators' page, with its menu and what became of the last act."""
    query = place.seen.request.query_params
    return render(
        place.seen,
        template,
        status,
        group=place.group,
        base=place.base,
        sections=SECTIONS,
        section=section,
        as_admin=place.who.admin,
        domain=context(place.seen.request).urls.domain,
        said=said(query),
        **values,
    )


def said(query: Mapping[str, str]) -> str:
    """What the page says of the act it comes back from (a closed set of sentences)."""
    if query.get("done"):
        return DONE.get(query["done"], "Done.")
    if query.get("proposed"):
        return "Proposed: it applies once enough of the other moderators approve (Proposals)."
    if query.get("voted"):
        return "Your vote is counted; the proposal waits for more."
    if query.get("declined"):
        return "The proposal is declined."
    if query.get("sent"):
        return "Sent to the community's own server, which decides."
    return ""


def outcome(result: Submitted | Voted, kind: str) -> dict[str, str]:
    """What became of an act, for the address of the page it comes back to."""
    if isinstance(result, Applied):
        return {"done": result.act.kind}
    if isinstance(result, Proposed):
        return {"proposed": result.proposal.kind}
    if isinstance(result, Declined):
        return {"declined": result.proposal.kind}
    return {"sent": kind}


def back(path: str, result: Submitted | Voted, kind: str, anchor: str = "") -> Response:
    """Back to ``path`` after an act, saying what became of it."""
    target = f"{path}?{urlencode(outcome(result, kind))}{anchor}"
    return RedirectResponse(target, status_code=303)


async def _look_up(request: Request, handle: str) -> Actor | None:
    """``handle`` on its server, within the look-up rate limit of the search box."""
    viewer = await signed_in(request)
    key = f"actor:{viewer.id if viewer else 0}"
    if await over_limit(request, "lookup", LOOKUP_LIMIT, key) is not None:
        raise HTTPException(429, "too many look-ups on other servers; try again in a while")
    return await resolve_remote(request, handle)


async def person_named(request: Request, handle: str) -> Actor:
    """The person ``@name`` (here) or ``@name@host`` (known here, else looked up on their
    server by WebFinger, within the instance's policy)."""
    username, _, host = handle.strip().lstrip("@").partition("@")
    if not username:
        raise InvalidInput("name a person as @name or @name@host")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        if not host or host.lower() == ctx.urls.domain:
            found = await find_local_actor(conn, username)
        else:
            found = await find_actor_by_handle(conn, username, host)
    if found is None and host and host.lower() != ctx.urls.domain:
        found = await _look_up(request, f"@{username}@{host}")
    if found is None or found.type not in ("Person", "Service"):
        raise InvalidInput(f"no one is known as {handle.strip()[:100]}")
    return found
