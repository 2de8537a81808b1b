"""Hashtags a person follows: public posts with them join their home timeline (and their
``user`` stream), as Mastodon's followed tags do (docs.joinmastodon.org/methods/followed_tags).
"""

from __future__ import annotations

import re

from community.errors import InvalidInput
from community.statuses import Page, normalize_tag
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

# Mastodon's Tag::HASHTAG_NAME_PAT: word characters, not only digits (app/models/tag.rb)
TAG_NAME_RE = re.compile(r"^(?=\w*[^\W\d])\w{1,100}$")


def tag_name(value: str) -> str:
    """A hashtag's name as we keep it (lower case, no ``#``), or InvalidInput."""
    name = normalize_tag(value)
    if not TAG_NAME_RE.match(name):
        raise InvalidInput(f"{value!r} is not a hashtag")
    return name


async def follow_tag(conn: Conn, actor_id: int, name: str) -> None:
    await conn.execute(Q["insert_followed_tag"], actor_id, name)


async def unfollow_tag(conn: Conn, actor_id: int, name: str) -> None:
    await conn.execute(Q["delete_followed_tag"], actor_id, name)


async def follows_tag(conn: Conn, actor_id: int, name: str) -> bool:
    return bool(await conn.fetchval(Q["follows_tag"], actor_id, name))


async def followed_tags(conn: Conn, actor_id: int, page: Page) -> list[tuple[int, str]]:
    """(cursor, name) of the tags a person follows, newest first."""
    rows = await conn.fetch(Q["list_followed_tags"], actor_id, *page.keyset)
    return sorted(((r["id"], r["name"]) for r in rows), reverse=True)
