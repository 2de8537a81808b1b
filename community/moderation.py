"""What moderation keeps on posts and people: removals (with a reason, restorable), locked
threads, posts held for approval (pre-moderation), reports, bans as moderators list them.
The acts themselves are :mod:`outbox.governance`'s; these are their repository functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from community.actors import Actor
from community.governance import group_settings
from community.membership import is_moderator
from community.posts import Post
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

#: With pre-moderation ``new``, a member's first posts (and comments) wait for a moderator.
NEWCOMER_POSTS = 3


async def mark_removed(conn: Conn, post: Post, reason: str) -> Post | None:
    """A moderator removes ``post``: hidden everywhere, its content kept (None: gone already)."""
    return await fetch_row(conn, Post, Q["mark_post_removed"], post.id, reason)


async def unmark_removed(conn: Conn, post: Post) -> Post | None:
    """A removed post comes back (None: it was not removed, or its author deleted it)."""
    return await fetch_row(conn, Post, Q["unmark_post_removed"], post.id)


async def set_locked(conn: Conn, post: Post, locked: bool) -> None:
    await conn.execute(Q["set_locked"], post.id, locked)


async def is_thread_locked(conn: Conn, post_uri: str) -> bool:
    """Whether a reply to ``post_uri`` is refused: it, or the top of its thread, is locked."""
    return bool(await conn.fetchval(Q["thread_locked"], post_uri))


async def live_posts_of(conn: Conn, group: Actor, author: Actor) -> list[Post]:
    """An author's posts and comments in a group that are still shown."""
    rows = await conn.fetch(Q["live_threads_of_author"], group.id, author.id)
    return [Post.from_record(r) for r in rows]


async def count_posts_in(conn: Conn, group: Actor, author: Actor) -> int:
    return int(await conn.fetchval(Q["count_posts_in_group"], group.id, author.id))


async def last_logged_act(
    conn: Conn, group: Actor, kind: str, object_uri: str
) -> dict[str, Any] | None:
    """The newest log item of ``kind`` about ``object_uri`` (what an undo undoes)."""
    item: dict[str, Any] | None = await conn.fetchval(
        Q["last_logged_act"], group.id, kind, object_uri
    )
    return item


@dataclass(frozen=True)
class HeldPost(Row):
    """A post waiting for a moderator: the ``Create`` as received, and the post as vouched."""

    id: int
    group_id: int
    author_id: int
    object_uri: str
    activity_uri: str
    activity_body: str
    object: dict[str, Any]
    created_at: datetime


async def hold_post(
    conn: Conn,
    group: Actor,
    author: Actor,
    obj: dict[str, Any],
    activity_uri: str,
    activity_body: str,
) -> None:
    """Keep a post for the moderators (the same post twice is held once)."""
    values = (group.id, author.id, obj["id"], activity_uri, activity_body, obj)
    await conn.execute(Q["hold_post"], *values)


async def find_held_post(conn: Conn, group: Actor, object_uri: str) -> HeldPost | None:
    return await fetch_row(conn, HeldPost, Q["get_held_post"], group.id, object_uri)


async def find_held_post_by_id(conn: Conn, group: Actor, held_id: int) -> HeldPost | None:
    return await fetch_row(conn, HeldPost, Q["get_held_post_by_id"], group.id, held_id)


async def release_held_post(conn: Conn, held: HeldPost) -> bool:
    """The held post leaves the queue (approved or rejected); whether it was still there."""
    return await conn.fetchval(Q["release_held_post"], held.id) is not None


async def held_posts(conn: Conn, group: Actor, limit: int = 100) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["list_held_posts"], group.id, limit))


@dataclass(frozen=True)
class Report(Row):
    id: int
    activity_uri: str | None
    reporter_id: int | None
    group_id: int | None
    target_uris: list[str]
    content: str
    state: str
    created_at: datetime
    resolved_by: int | None = None
    resolved_at: datetime | None = None


async def file_report(
    conn: Conn,
    activity_uri: str,
    reporter: Actor,
    group: Actor | None,
    targets: Sequence[str],
    content: str,
) -> Report | None:
    """A report (``Flag``) for the moderators of ``group`` (or the admins); None when the same
    report was filed before."""
    group_id = group.id if group is not None else None
    values = (activity_uri, reporter.id, group_id, list(targets), content)
    return await fetch_row(conn, Report, Q["file_report"], *values)


async def find_report(conn: Conn, report_id: int) -> Report | None:
    return await fetch_row(conn, Report, Q["get_report"], report_id)


async def list_reports(
    conn: Conn, group: Actor, *, resolved: bool = False, limit: int = 100
) -> list[asyncpg.Record]:
    """A group's reports, newest first, with their reporters (moderators only see them)."""
    return list(await conn.fetch(Q["list_reports"], group.id, resolved, limit))


async def resolve_report(conn: Conn, report: Report, moderator: Actor) -> bool:
    return await conn.fetchval(Q["resolve_report"], report.id, moderator.id) is not None


async def notify_report(
    conn: Conn, recipient: Actor, report: Report, reporter: Actor, post_id: int | None
) -> None:
    """Tell a moderator here of a report (Mastodon's ``admin.report`` notification)."""
    await conn.execute(Q["notify_report"], recipient.id, reporter.id, post_id, report.id)


async def list_bans(conn: Conn, group: Actor) -> list[asyncpg.Record]:
    """The bans of a group in force, newest first."""
    return list(await conn.fetch(Q["list_bans"], group.id))


async def find_ban(conn: Conn, group: Actor, person: Actor) -> asyncpg.Record | None:
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_ban"], group.id, person.id)
    return record


async def software_of_domain(conn: Conn, domain: str) -> str | None:
    """The software name a server's NodeInfo gave, as last fetched (None: unknown)."""
    name: str | None = await conn.fetchval(Q["software_of_domain"], domain)
    return name


async def must_hold(conn: Conn, group: Actor, author: Actor) -> bool:
    """Whether ``author``'s post waits for a moderator: pre-moderation ``all``, or ``new`` and
    the author has fewer than :data:`NEWCOMER_POSTS` posts in the group. Moderators never wait."""
    mode = (await group_settings(conn, group)).premoderation
    if mode == "off" or await is_moderator(conn, group, author):
        return False
    return mode == "all" or await count_posts_in(conn, group, author) < NEWCOMER_POSTS


async def held_posts_named(conn: Conn, uri_or_url: str) -> list[HeldPost]:
    """The held posts a moderator names by id or page (a post may wait in several groups)."""
    rows = await conn.fetch(Q["held_posts_by_uri"], uri_or_url)
    return [HeldPost.from_record(r) for r in rows]


async def find_post_to_moderate(conn: Conn, uri_or_url: str) -> Post | None:
    """A post by its id or its page, shown or removed."""
    return await fetch_row(conn, Post, Q["get_post_for_moderation"], uri_or_url)
