"""``add_moderator`` and ``remove_moderator``: the team changes (both need the quorum, but a
moderator may always step down alone).

The act is the acting moderator's ``Add`` / ``Remove`` of the person with ``target`` = the
group's moderators collection (Lemmy's shape, what FEP-1b12 followers get wrapped); the group
itself also sends the same change (``actor`` = the group) to the person concerned and to the
servers of its remote moderators, so that their servers know who moderates it.
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor
from community.governance import add_moderator, moderator_inboxes, remove_moderator
from community.membership import is_moderator
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.governance import build_team_change
from outbox.errors import ActRefused
from outbox.governance.kinds.common import person_named
from outbox.governance.model import Act, Applying, Distribution, Kind
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing


async def build_add(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    person = await person_named(conn, act)
    if act.group.local and await is_moderator(conn, act.group, person):
        raise ActRefused("invalid", f"{person.handle} already moderates {act.group.handle}")
    return build_team_change(urls, act.by, act.group, person.uri, added=True, reason=act.reason)


async def build_remove(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    person = await person_named(conn, act)
    if act.group.local and not await is_moderator(conn, act.group, person):
        raise ActRefused("invalid", f"{person.handle} does not moderate {act.group.handle}")
    return build_team_change(urls, act.by, act.group, person.uri, added=False, reason=act.reason)


async def _told(applying: Applying, person: Actor, *, added: bool) -> Distribution:
    """The group's own Add/Remove, to the person and to its remote moderators' servers."""
    conn, urls, group = applying.conn, applying.urls, applying.act.group
    change = build_team_change(urls, group, group, person.uri, added=added)
    inboxes = tuple(await moderator_inboxes(conn, group))
    concerned = (person,) if not person.local else ()
    audience = Audience(actors=concerned, inboxes=inboxes, listed=False)
    return Distribution(sends=((Outgoing.of(change), audience),))


async def apply_add(applying: Applying) -> Distribution:
    person = await person_named(applying.conn, applying.act)
    await add_moderator(applying.conn, applying.act.group, person)
    return await _told(applying, person, added=True)


async def apply_remove(applying: Applying) -> Distribution:
    person = await person_named(applying.conn, applying.act)
    told = await _told(applying, person, added=False)  # the removed one's server hears too
    await remove_moderator(applying.conn, applying.act.group, person)
    return told


def stepping_down(act: Act) -> bool:
    return act.params.get("person") == act.by.uri


ADD_MODERATOR = register(Kind("add_moderator", True, build_add, apply_add))
REMOVE_MODERATOR = register(
    Kind("remove_moderator", True, build_remove, apply_remove, alone=stepping_down)
)
