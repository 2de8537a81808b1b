"""Bridges: one of our communities follows another one (here or on another server) and carries
its posts to its own members (issue 17, docs/bridges.md).

A bridge is two things: the bridging community's follow of the source (a row of ``follows``,
pending until the source accepts, as any follow), and the bridge itself (``bridges``: what
crosses it). Carried posts are remembered (``bridged_posts``) so that a removal at the source,
an edit or a deletion follows them, and so that the bridging community's moderators can take
one down on their side without touching the source.

What may cross at all is decided in one place, :func:`may_cross`; what a bridge lets through
(threads only or all, words) in :func:`passes_filter`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import asyncpg

from community.actors import Actor
from community.html import html_to_text
from community.posts import Post
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

Filter = Literal["all", "top"]
FILTERS: tuple[Filter, ...] = ("all", "top")
MAX_WORDS = 50
MAX_WORD = 100


@dataclass(frozen=True)
class Bridge(Row):
    """One bridge: ``group_id`` (ours) carries what ``source_id`` announces."""

    group_id: int
    source_id: int
    filter: str
    words: list[str]
    muted: list[str]
    created_at: datetime | None = None


@dataclass(frozen=True)
class Carrier:
    """One of our communities that carried a post, and the community it came from."""

    group: Actor
    source_id: int


def may_cross(post: Post, into: Actor) -> bool:
    """Whether ``post`` may cross a bridge into the community ``into``.

    Today: public content only crosses bridges. A post addressed to a closed community's
    members (or to anyone less than the public) stays where it was posted; the private
    communities feature will let a private community's posts into a community whose members
    are all its own, here and nowhere else.
    """
    return post.visibility == "public" and into.is_group


def normalise_words(words: Sequence[str]) -> list[str]:
    """Words of a filter: trimmed, lower-cased, de-duplicated, bounded."""
    found = [w.strip().lower()[:MAX_WORD] for w in words if w.strip()]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def _mentions(text: str, words: Sequence[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)


def passes_filter(bridge: Bridge, post: Post, root: Post | None) -> bool:
    """Whether the bridge lets ``post`` through: a thread when its words allow it (one of
    ``words``, when there are any; none of ``muted``); a reply when the bridge carries replies
    (``all``) and its thread crossed (``root`` is the thread's first post, as carried)."""
    if not post.is_top_level:
        return bridge.filter == "all" and root is not None
    text = f"{post.title}\n{html_to_text(post.content_html)}".lower()
    if bridge.muted and _mentions(text, bridge.muted):
        return False
    return not bridge.words or _mentions(text, bridge.words)


async def upsert_bridge(
    conn: Conn,
    group: Actor,
    source: Actor,
    filter_: Filter = "all",
    words: Sequence[str] = (),
    muted: Sequence[str] = (),
) -> Bridge:
    values = (group.id, source.id, filter_, normalise_words(words), normalise_words(muted))
    bridge = await fetch_row(conn, Bridge, Q["upsert_bridge"], *values)
    assert bridge is not None
    return bridge


async def delete_bridge(conn: Conn, group: Actor, source: Actor) -> Bridge | None:
    return await fetch_row(conn, Bridge, Q["delete_bridge"], group.id, source.id)


async def find_bridge(conn: Conn, group: Actor, source: Actor) -> Bridge | None:
    return await fetch_row(conn, Bridge, Q["get_bridge"], group.id, source.id)


async def bridges_of(conn: Conn, group: Actor) -> list[asyncpg.Record]:
    """``group``'s bridges with their sources, follow states and counts of posts carried."""
    return list(await conn.fetch(Q["bridges_of_group"], group.id))


async def groups_bridging_into(conn: Conn, group: Actor) -> list[asyncpg.Record]:
    """The communities that follow ``group`` (their bridges into it), with the follow state."""
    return list(await conn.fetch(Q["groups_bridging_into"], group.id))


async def bridging_groups(conn: Conn, source: Actor) -> list[tuple[Actor, Bridge]]:
    """Our communities whose bridge from ``source`` is open, each with its bridge."""
    found = []
    for record in await conn.fetch(Q["bridging_groups"], source.id):
        group = Actor.from_record(record)
        bridge = Bridge(group.id, source.id, record["filter"], record["words"], record["muted"])
        found.append((group, bridge))
    return found


async def bridges_into_ours(conn: Conn, community: Actor) -> bool:
    """Whether ``community`` follows one of our communities (its bridge into it is open)."""
    return community.is_group and bool(await conn.fetchval(Q["bridges_into_ours"], community.id))


async def follows_ours(conn: Conn, community: Actor, group: Actor) -> bool:
    """Whether ``community`` follows our ``group`` (its follow was accepted)."""
    return bool(await conn.fetchval(Q["follows_ours"], community.id, group.id))


async def record_carried(conn: Conn, group: Actor, post: Post, source: Actor) -> bool:
    """``group`` carried ``post`` from ``source``; False when it had already."""
    record = await conn.fetchrow(Q["record_carried"], group.id, post.id, source.id)
    return record is not None


async def find_carried(conn: Conn, group: Actor, post: Post) -> asyncpg.Record | None:
    """How ``group`` carried ``post`` (its source, whether withdrawn), or None."""
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_carried"], group.id, post.id)
    return record


async def carriers_of(conn: Conn, post: Post) -> list[Carrier]:
    """Our communities that carried ``post`` and show it still."""
    records = await conn.fetch(Q["carriers_of_post"], post.id)
    return [Carrier(Actor.from_record(r), r["source_id"]) for r in records]


async def withdraw_carried(conn: Conn, group: Actor, post: Post) -> bool:
    """``group``'s moderators take a carried post down on their side; False if it was not."""
    return await conn.fetchrow(Q["withdraw_carried"], group.id, post.id) is not None


async def restore_carried(conn: Conn, group: Actor, post: Post) -> bool:
    return await conn.fetchrow(Q["restore_carried"], group.id, post.id) is not None
