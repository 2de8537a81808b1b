"""``ban`` / ``unban``: a person kept out of a group, with a reason, an optional end
(``until``, ISO 8601) and an optional removal of their content (``remove_data``). No quorum.

The act is Lemmy's ``Block`` with ``target`` = the group (``endTime``, ``removeData``) and
``Undo{Block}``, which FEP-1b12 followers get wrapped. The banned person's follow of the group
ends, their posts are refused with a ``Reject`` naming the reason, and the ban ends on its own
at ``until``. A ban without end is also the group's own ``Block`` of them when their server is
not FEP-1b12 software (Mastodon's form: their server ends the follow on its side; Mastodon
knows no end to a block, so a ban with one is not sent this way); ``remove_data`` removes
their posts and comments in the group, and withdraws the group's boosts of their threads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from community.actors import Actor
from community.membership import is_moderator, lift_ban, record_ban, remove_follow
from community.moderation import (
    find_ban,
    last_logged_act,
    live_posts_of,
    mark_removed,
    software_of_domain,
)
from community.software import FEP1B12_SOFTWARE
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.base import now_iso
from outbox.activities.follows import build_undo
from outbox.activities.moderation import build_ban, build_group_block, build_undo_act
from outbox.errors import ActRefused
from outbox.governance.kinds.common import here, person_named
from outbox.governance.model import Act, Applying, Distribution, Kind
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing


def until_of(act: Act) -> datetime | None:
    """When the ban ends (None: it does not)."""
    value = act.params.get("until")
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ActRefused("invalid", f"{value!r} is not a date and time (ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def build_block(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    person = await person_named(conn, act)
    if here(act) and await is_moderator(conn, act.group, person):
        raise ActRefused("invalid", f"{person.handle} moderates {act.group.handle}: not banned")
    until = until_of(act)
    if until is not None and until <= datetime.now(UTC):
        raise ActRefused("invalid", "a ban must end in the future")
    return build_ban(
        urls,
        act.by,
        act.group,
        person.uri,
        reason=act.reason,
        until=act.params.get("until") or None,
        remove_data=bool(act.params.get("remove_data")),
    )


async def _reads_blocks(conn: Conn, person: Actor) -> bool:
    """Whether the group's own Block reaches the person: remote, and not FEP-1b12 software
    (Lemmy and its kin read the wrapped ban, and refuse a Block from a group)."""
    if person.local:
        return False
    software = await software_of_domain(conn, person.domain)
    return (software or "").lower() not in FEP1B12_SOFTWARE


async def apply_ban(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    person = await person_named(conn, act)
    until = until_of(act)
    await record_ban(conn, act.group, person, act.reason, until, str(applying.activity["id"]))
    await remove_follow(conn, person.id, act.group.id)
    unboost: list[str] = []
    if act.params.get("remove_data"):
        for post in await live_posts_of(conn, act.group, person):
            await mark_removed(conn, post, act.reason)
            unboost += [post.uri] if post.is_top_level else []
    sends: tuple[tuple[Outgoing, Audience], ...] = ()
    if until is None and await _reads_blocks(conn, person):
        block = build_group_block(applying.urls, act.group, person.uri, act.reason, None)
        sends = ((Outgoing.of(block), Audience(actors=(person,), listed=False)),)
    return Distribution(unboost=tuple(unboost), sends=sends)


async def build_unblock(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    person = await person_named(conn, act)
    if here(act) and await find_ban(conn, act.group, person) is None:
        raise ActRefused("invalid", f"{person.handle} is not banned from {act.group.handle}")
    logged = await last_logged_act(conn, act.group, "ban", person.uri)
    ban = logged or build_ban(
        urls, act.by, act.group, person.uri, reason="", until=None, remove_data=False
    )
    undone = {k: v for k, v in ban.items() if k != "proposal"}
    return build_undo_act(urls, act.by, act.group, undone, act.reason)


async def apply_unban(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    person = await person_named(conn, act)
    ban = await find_ban(conn, act.group, person)
    await lift_ban(conn, act.group.id, person.id)
    if ban is None or ban["expires_at"] is not None or not await _reads_blocks(conn, person):
        return Distribution()  # the group blocked them in its own name only for good
    blocked = build_group_block(applying.urls, act.group, person.uri, "", None)
    undo = build_undo(applying.urls, act.group, blocked, to=[person.uri], cc=[])
    undo["published"] = now_iso()
    return Distribution(sends=((Outgoing.of(undo), Audience(actors=(person,), listed=False)),))


BAN = register(Kind("ban", False, build_block, apply_ban))
UNBAN = register(Kind("unban", False, build_unblock, apply_unban))
