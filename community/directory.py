"""The directory of communities (issue 17): our public communities, and the communities of other
servers we learned of through follows, bridges and relays, each with its title, summary,
language, topic tags (the hashtags of its profile), member count and last activity.

Which communities are listed is decided in one place, :func:`is_listed`: it also decides which
communities publish to relays and which NodeInfo names. A community recommends others (its
``recommended`` collection); the directory lists those too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import asyncpg

from community.actors import Actor
from community.audience import group_visibility
from community.html import html_to_text
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

Via = Literal["relay", "bridge", "follow"]
#: How many candidates one search looks at before paging (a server knows that many at most).
MAX_SCAN = 2000
MAX_PAGE = 80
_TAG_RE = re.compile(r"(?<![\w#])#(\w{1,100})")
_TAG_NAME_RE = re.compile(r"^\w{1,100}$")
_LANGUAGE_RE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})?$")


def is_listed(group: Actor) -> bool:
    """Whether a community is listed (in the directory, in NodeInfo) and may publish to relays.

    A community is listed when it is ``discoverable``, not deleted, and public by
    :func:`community.audience.group_visibility` (unlisted and private communities never are).
    """
    return (
        group.is_group
        and group.discoverable
        and group.deleted_at is None
        and group_visibility(group) == "public"
    )


def tags_of(summary_html: str, document: dict[str, Any] | None = None) -> list[str]:
    """A community's topic tags: the hashtags of its profile (its summary, and ``Hashtag``
    tags of its actor document), lower case, in order."""
    found = [t.lower() for t in _TAG_RE.findall(html_to_text(summary_html))]
    tags = (document or {}).get("tag")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("type") == "Hashtag":
            found.append(str(tag.get("name", "")).lstrip("#").lower())
    return [t for t in dict.fromkeys(found) if _TAG_NAME_RE.match(t)]


@dataclass(frozen=True)
class DirectoryQuery:
    """A search: words (in the title, name or summary), a tag, a language, ours only."""

    words: str | None = None
    tag: str | None = None
    language: str | None = None
    local_only: bool = False
    limit: int = 40
    offset: int = 0
    order: Literal["active", "new"] = "active"

    def checked(self) -> DirectoryQuery:
        """The query with its values bounded (a bad tag or language matches nothing)."""
        tag = (self.tag or "").lstrip("#").lower() or None
        language = (self.language or "").lower() or None
        return DirectoryQuery(
            words=(self.words or "").strip()[:200] or None,
            tag=tag if tag is None or _TAG_NAME_RE.match(tag) else "\x00",
            language=language if language is None or _LANGUAGE_RE.match(language) else "\x00",
            local_only=self.local_only,
            limit=max(1, min(self.limit, MAX_PAGE)),
            offset=max(0, min(self.offset, MAX_SCAN)),
            order=self.order,
        )


@dataclass(frozen=True)
class Entry:
    """One community of the directory."""

    group: Actor
    members: int
    last_activity: datetime | None
    language: str | None
    tags: list[str]
    #: how we know it: ``local``, ``relay``, ``bridge`` or ``follow``
    via: str


def _entry(record: asyncpg.Record) -> Entry:
    group = Actor.from_record(record)
    if group.local:
        via, members = "local", int(record["known_members"])
    else:
        via = "bridge" if record["bridged_here"] else record["discovered_via"] or "follow"
        members = int(record["discovered_members"] or record["known_members"])
    tags = tags_of(group.summary, record["raw"])
    return Entry(group, members, record["last_post_at"], record["language"], tags, via)


async def search_directory(conn: Conn, query: DirectoryQuery) -> list[Entry]:
    """The communities listed that match ``query``, the most recently active first."""
    q = query.checked()
    args = (q.words, q.tag, q.language, q.local_only, MAX_SCAN, q.order == "new")
    records = await conn.fetch(Q["directory_entries"], *args)
    listed = [_entry(r) for r in records if is_listed(Actor.from_record(r))]
    return listed[q.offset : q.offset + q.limit]


async def record_discovered(
    conn: Conn, group: Actor, via: Via, member_count: int | None = None
) -> None:
    """We learned of ``group`` (another server's community) through ``via``."""
    await conn.execute(Q["upsert_discovered"], group.id, via, member_count)


async def recommend(conn: Conn, group: Actor, other: Actor) -> bool:
    """``group`` recommends ``other``; False when it did already."""
    return await conn.fetchrow(Q["insert_recommendation"], group.id, other.id) is not None


async def unrecommend(conn: Conn, group: Actor, other: Actor) -> bool:
    return await conn.fetchrow(Q["delete_recommendation"], group.id, other.id) is not None


async def recommended_by(conn: Conn, group: Actor) -> list[Actor]:
    """The communities ``group`` recommends (listed ones only)."""
    records = await conn.fetch(Q["recommended_by"], group.id)
    return [a for a in (Actor.from_record(r) for r in records) if is_listed(a)]


async def listed_local_groups(conn: Conn) -> list[Actor]:
    """Our communities that are listed (NodeInfo names them)."""
    groups = [Actor.from_record(r) for r in await conn.fetch(Q["local_groups"])]
    return [g for g in groups if is_listed(g)]
