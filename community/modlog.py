"""The moderation log of a group: one row and one AS2 activity per moderation or governance act,
proposal and vote; public, newest first, keyset-paged; append-only.

Its items are the acts themselves (``type``, ``actor`` — the moderator, or the instance actor for
an admin's act —, ``object``, ``summary`` for the reason, ``published``). Removed content is
named by id and title, never republished. The database refuses to edit or delete an entry (a
trigger on ``modlog``, migration 0010).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from community import collections as col
from community.actors import Actor
from community.render import AS_CONTEXT, FEDIVERSE_NS
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

#: The terms the log's items use beyond AS2 (Lemmy's, and ours).
MODLOG_CONTEXT: list[Any] = [
    AS_CONTEXT,
    {
        "lemmy": "https://join-lemmy.org/ns#",
        "removeData": "lemmy:removeData",
        "fediverse": FEDIVERSE_NS,
        "proposal": {"@id": "fediverse:proposal", "@type": "@id"},
        "postingRestrictedToMods": "lemmy:postingRestrictedToMods",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "postingRule": "fediverse:postingRule",
        "quorum": "fediverse:quorum",
        "premoderation": "fediverse:premoderation",
        "Lock": "lemmy:Lock",
        "Resolve": "fediverse:Resolve",
        "importedFrom": {"@id": "fediverse:importedFrom", "@type": "@id"},
    },
]


@dataclass(frozen=True)
class Entry:
    """One act, proposal or vote, as it goes on the log."""

    group: Actor
    kind: str
    actor: Actor
    activity: dict[str, Any]
    reason: str = ""
    by_admin: bool = False
    proposal_id: int | None = None


async def append(conn: Conn, entry: Entry) -> int | None:
    """Write ``entry`` (the same activity twice is one entry); its row id."""
    item = {k: v for k, v in entry.activity.items() if k != "@context"}
    values = (
        entry.group.id,
        entry.kind,
        entry.actor.id,
        entry.by_admin,
        entry.proposal_id,
        item["id"],
        item,
        entry.reason,
    )
    row_id: int | None = await conn.fetchval(Q["append_modlog"], *values)
    return row_id


def modlog_uri(group: Actor) -> str:
    return f"{group.uri}/modlog"


async def render_modlog(conn: Conn, group: Actor, page: col.PageRequest | None) -> dict[str, Any]:
    """The public log collection (``page`` None) or one of its pages, newest first."""
    uri = modlog_uri(group)
    if page is None:
        doc = await col.render_collection(conn, "modlog", group.id, uri)
    else:
        doc = await col.render_page(conn, "modlog", group.id, uri, page)
    doc["@context"] = MODLOG_CONTEXT
    return doc


@dataclass(frozen=True)
class LoggedAct:
    """A log entry as moderators' tools list it."""

    id: int
    kind: str
    actor_uri: str
    by_admin: bool
    proposal_id: int | None
    reason: str
    activity: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_record(cls, record: asyncpg.Record) -> LoggedAct:
        return cls(
            record["id"],
            record["kind"],
            record["actor_uri"],
            record["by_admin"],
            record["proposal_id"],
            record["reason"],
            record["activity"],
            record["created_at"],
        )


async def recent_entries(
    conn: Conn,
    group: Actor,
    *,
    before: int | None = None,
    kinds: list[str] | None = None,
    limit: int = 40,
) -> list[LoggedAct]:
    cursor = 2**63 - 1 if before is None else before
    rows = await conn.fetch(Q["modlog_entries"], group.id, cursor, kinds, limit)
    return [LoggedAct.from_record(r) for r in rows]


async def find_item_group(conn: Conn, activity_uri: str) -> int | None:
    """The id of the group whose log holds the item ``activity_uri``."""
    group_id: int | None = await conn.fetchval(Q["get_modlog_item_group"], activity_uri)
    return group_id


async def find_item(conn: Conn, activity_uri: str) -> dict[str, Any] | None:
    """A log item by its id (served at it, like the activities we send)."""
    item: dict[str, Any] | None = await conn.fetchval(Q["get_modlog_item"], activity_uri)
    return item
