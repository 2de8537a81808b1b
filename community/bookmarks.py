"""A person's saved posts: bookmarks (private) and favourites (their ``Like`` votes).

Both list as pages keyed on the saving row's id, newest first, as Mastodon pages
``/api/v1/bookmarks`` and ``/api/v1/favourites`` (its ``Link`` header carries those ids).
"""

from __future__ import annotations

from community.statuses import Page
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")


async def bookmark(conn: Conn, actor_id: int, post_id: int) -> None:
    await conn.execute(Q["insert_bookmark"], actor_id, post_id)


async def unbookmark(conn: Conn, actor_id: int, post_id: int) -> None:
    await conn.execute(Q["delete_bookmark"], actor_id, post_id)


async def bookmarked(conn: Conn, actor_id: int, page: Page) -> list[tuple[int, int]]:
    """(cursor, post id) of a person's bookmarks, newest first."""
    rows = await conn.fetch(Q["list_bookmarks"], actor_id, *page.keyset)
    return sorted(((r["cursor"], r["post_id"]) for r in rows), reverse=True)


async def favourited(conn: Conn, actor_id: int, page: Page) -> list[tuple[int, int]]:
    """(cursor, post id) of the posts a person favourited, newest first."""
    rows = await conn.fetch(Q["list_favourites"], actor_id, *page.keyset)
    return sorted(((r["cursor"], r["post_id"]) for r in rows), reverse=True)
