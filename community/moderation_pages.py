"""What the moderators' pages and the public moderation log page read: how much waits for a
community's moderators, and its log as people read it (who, what, when, why) with the people
and posts its items name.

Read models only, one query each, so a page costs the same whatever the log's length. The log
is :mod:`community.modlog`'s (the same rows as its AS2 collection, newest first, keyset-paged
by entry id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from community.actors import Actor
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

_NEWEST = 2**63 - 1
#: entries on one page of the log
LOG_PAGE = 50


@dataclass(frozen=True)
class Waiting(Row):
    """What waits for a community's moderators, and how many they are."""

    proposals: int = 0
    held: int = 0
    reports: int = 0
    bans: int = 0
    moderators: int = 0
    #: requests to join waiting for a moderator's answer
    requests: int = 0


async def waiting_for(conn: Conn, group: Actor) -> Waiting:
    return await fetch_row(conn, Waiting, Q["moderation_counts"], group.id) or Waiting()


@dataclass(frozen=True)
class LogLine(Row):
    """One entry of the log with who acted."""

    id: int
    kind: str
    by_admin: bool
    reason: str
    activity: dict[str, Any]
    created_at: datetime
    proposal_id: int | None
    actor_username: str
    actor_domain: str
    actor_name: str
    actor_local: bool
    actor_type: str
    #: the act a proposal (or a vote on it) is about: its kind and parameters
    proposal_kind: str | None = None
    proposal_params: dict[str, Any] | None = None


async def log_lines(
    conn: Conn,
    group: Actor,
    *,
    before: int | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = LOG_PAGE,
) -> list[LogLine]:
    """``group``'s log, newest first, before entry ``before``, of ``kinds`` (all when None)."""
    chosen = list(kinds) if kinds else None
    rows = await conn.fetch(Q["modlog_lines"], group.id, before or _NEWEST, chosen, limit)
    return [LogLine.from_record(r) for r in rows]


@dataclass(frozen=True)
class NamedActor(Row):
    """A person or community a log item names."""

    uri: str
    username: str
    domain: str
    name: str
    local: bool


@dataclass(frozen=True)
class NamedPost(Row):
    """A post a log item names: where its page is, whether it is still shown, whether a
    thread (a comment's title is its first line, so the log does not show it), whether anyone
    may read it (a private community's thread titles are its members' alone)."""

    id: int
    uri: str
    local: bool
    title: str
    deleted_at: datetime | None
    thread: bool = True
    readable: bool = True


@dataclass(frozen=True)
class Named:
    """The people, communities and posts of a page of the log, by id."""

    actors: dict[str, NamedActor]
    posts: dict[str, NamedPost]


async def named_on_log(conn: Conn, uris: Sequence[str]) -> Named:
    """Who and what ``uris`` are (those this server knows)."""
    wanted = sorted(set(uris))
    if not wanted:
        return Named({}, {})
    actors = [NamedActor.from_record(r) for r in await conn.fetch(Q["logged_actors"], wanted)]
    posts = [NamedPost.from_record(r) for r in await conn.fetch(Q["logged_posts"], wanted)]
    return Named({a.uri: a for a in actors}, {p.uri: p for p in posts})
