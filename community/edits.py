"""The history of an edited post: each version it had, oldest first, the current one last.

A version is kept by :func:`community.posts.update_post` when an edit replaces it (Mastodon's
``status_edits``); a post never edited has one version, itself, as Mastodon answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from community.media import media_of_posts
from community.posts import Post
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row

Q = load_queries("community")


@dataclass(frozen=True)
class Version(Row):
    post_id: int
    title: str
    content_html: str
    summary: str | None
    sensitive: bool
    raw: dict[str, Any]
    created_at: datetime
    media_ids: list[int] = field(default_factory=list)


async def history(conn: Conn, post: Post) -> list[Version]:
    """Every version of ``post``, the first as published, the last as it is now."""
    earlier = [Version.from_record(r) for r in await conn.fetch(Q["post_versions"], post.id)]
    attached = (await media_of_posts(conn, [post.id])).get(post.id, [])
    current = Version(
        post.id,
        post.title,
        post.content_html,
        post.summary,
        post.sensitive,
        post.raw,
        post.updated or post.published,
        [m.id for m in attached],
    )
    return [*earlier, current]
