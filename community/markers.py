"""Where a person stopped reading their home timeline and notifications (Mastodon's markers,
docs.joinmastodon.org/methods/markers): saved by one app, read back by another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

Timeline = Literal["home", "notifications"]
TIMELINES: tuple[Timeline, ...] = ("home", "notifications")


@dataclass(frozen=True)
class Marker(Row):
    timeline: str
    last_read_id: int
    #: how many times it was saved (Mastodon's optimistic-locking counter)
    version: int
    updated_at: datetime


async def read_markers(conn: Conn, actor_id: int, timelines: Sequence[str]) -> list[Marker]:
    rows = await conn.fetch(Q["get_markers"], actor_id, list(timelines))
    return [Marker.from_record(r) for r in rows]


async def save_marker(conn: Conn, actor_id: int, timeline: Timeline, last_read_id: int) -> Marker:
    marker = await fetch_row(conn, Marker, Q["upsert_marker"], actor_id, timeline, last_read_id)
    assert marker is not None
    return marker
