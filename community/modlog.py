"""The moderation log of a group: one row and one AS2 activity per moderation or governance act,
proposal and vote; public, newest first, keyset-paged; append-only.

Its items are the acts themselves (``type``, ``actor`` — the moderator, or the instance actor for
an admin's act —, ``object``, ``summary`` for the reason, ``published``). A post is named by its
id and type alone (a removed one as a ``Tombstone`` with ``formerType``): never its title, its
content or its content warning, since a comment's title is its first line and a private
community's posts are its members' alone (:func:`scrubbed`, applied when an item is written and
again when it is served, so entries written before that rule are served without them too). The
database refuses to edit or delete an entry (a trigger on ``modlog``, migration 0010).
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
        "rules": "fediverse:rules",
        "Lock": "lemmy:Lock",
        "Resolve": "fediverse:Resolve",
        "importedFrom": {"@id": "fediverse:importedFrom", "@type": "@id"},
    },
]


#: The types of the log's activities, and of the actors they name (kept, their content dropped).
KEPT_TYPES = frozenset(
    {
        *("Accept", "Add", "Announce", "Block", "Create", "Delete", "Flag", "Follow", "Lock"),
        *("Move", "Offer", "Reject", "Remove", "Resolve", "Undo", "Update"),
        *("Application", "Group", "Organization", "Person", "Service"),
    }
)
#: What a post is named by on the log (anything else it says is content).
POST_NAMING = ("id", "type", "formerType")
#: Properties of a kept object that would republish content.
CONTENT_FIELDS = frozenset({"content", "contentMap", "source", "attachment", "preview"})


def scrubbed(value: Any) -> Any:
    """``value`` (a log item, or part of one) with every post it embeds named by id and type
    only: an activity or an actor is kept without content; any other object (a post, a
    tombstone, something unknown) keeps ``id``, ``type`` and ``formerType``."""
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    if not isinstance(value, dict):
        return value
    kinds = value.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if kinds & KEPT_TYPES:
        return {k: scrubbed(v) for k, v in value.items() if k not in CONTENT_FIELDS}
    return {k: value[k] for k in POST_NAMING if k in value}


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
    item = scrubbed({k: v for k, v in entry.activity.items() if k != "@context"})
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
    if "orderedItems" in doc:
        doc["orderedItems"] = scrubbed(doc["orderedItems"])
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
    return None if item is None else scrubbed(item)
