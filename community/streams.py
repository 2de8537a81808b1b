"""Who a live event reaches: the look-ups behind the streaming API's routing.

Each takes the viewers a web process has connected and answers which of them an entry reaches
(the same rules as the timelines of :mod:`community.statuses` and ``timelines.sql``), so that
one event costs a few queries per process however many clients are connected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")


@dataclass(frozen=True)
class ViewerFlags:
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    muted: bool = False


async def home_viewers(
    conn: Conn, post_id: int, sharer_id: int | None, viewer_ids: Sequence[int]
) -> set[int]:
    """Those of ``viewer_ids`` whose home timeline shows the entry (the post itself when
    ``sharer_id`` is None, else its share by ``sharer_id``)."""
    if not viewer_ids:
        return set()
    rows = await conn.fetch(Q["home_viewers"], post_id, sharer_id, list(viewer_ids))
    return {r["id"] for r in rows}


async def post_viewers(conn: Conn, post_id: int, viewer_ids: Sequence[int]) -> set[int]:
    """Those of ``viewer_ids`` whose home timeline shows the post or any share of it (for its
    edits and deletion)."""
    if not viewer_ids:
        return set()
    rows = await conn.fetch(Q["post_viewers"], post_id, list(viewer_ids))
    return {r["id"] for r in rows}


async def shares_of(conn: Conn, post_id: int) -> list[tuple[int, int]]:
    """(share id, sharer id) of every share of a post."""
    return [(r["id"], r["group_id"]) for r in await conn.fetch(Q["shares_of_post"], post_id)]


async def viewer_flags(
    conn: Conn, post_id: int, viewer_ids: Sequence[int]
) -> dict[int, ViewerFlags]:
    """Each viewer's own marks on a post (only viewers with any)."""
    if not viewer_ids:
        return {}
    rows = await conn.fetch(Q["viewer_flags"], post_id, list(viewer_ids))
    return {
        r["viewer_id"]: ViewerFlags(r["favourited"], r["reblogged"], r["bookmarked"], r["muted"])
        for r in rows
    }
