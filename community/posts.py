"""Posts and comments: stored once, with raw JSON, sanitised HTML and a title."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.audience import members_only, stored_visibility
from community.events import Event, entry_gone, new_entry, publish
from community.html import html_to_text, sanitize_html, text_to_html
from community.media import link_remote
from community.polls import refresh_poll, store_poll
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row
from federation.vocabulary import Question, parse_object
from federation.vocabulary.base import ASObject, id_of, ids_of

Q = load_queries("community")

POST_TYPES = frozenset({"Note", "Page", "Article", "Question", "Event", "Video", "Audio", "Image"})
MAX_TITLE = 200


@dataclass(frozen=True)
class Post(Row):
    id: int
    uri: str
    type: str
    author_id: int
    group_id: int | None
    in_reply_to_uri: str | None
    root_id: int | None
    url: str | None
    title: str
    content_html: str
    summary: str | None
    sensitive: bool
    language: str | None
    visibility: str
    local: bool
    raw: dict[str, Any]
    published: datetime
    updated: datetime | None
    deleted_at: datetime | None
    pinned: bool
    removed_at: datetime | None = None
    removal_reason: str = ""
    locked: bool = False
    # the Create that brought the post here first (another Create of it changes nothing)
    create_uri: str | None = None

    @property
    def is_top_level(self) -> bool:
        return self.in_reply_to_uri is None


def title_of(obj: ASObject, content_html: str) -> str:
    """The post's ``name``, or for posts without one its first line, as Lemmy does."""
    if obj.name and obj.name.strip():
        return obj.name.strip()[:MAX_TITLE]
    text = html_to_text(content_html)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= MAX_TITLE else first[: MAX_TITLE - 1].rstrip() + "…"


def content_of(obj: ASObject) -> str:
    """Sanitised HTML content (``content``, else the first of ``contentMap``)."""
    content = obj.content
    if content is None:
        content_map = getattr(obj, "contentMap", None)
        if isinstance(content_map, dict) and content_map:
            content = next(iter(content_map.values()))
    if content is None:
        return ""
    if obj.media_type and obj.media_type not in ("text/html", "text/markdown"):
        return text_to_html(str(content))
    return sanitize_html(str(content))


def render_content(obj: ASObject) -> tuple[str, str]:
    """(sanitised HTML, title): the CPU-bound part of storing a post."""
    content = content_of(obj)
    return content, title_of(obj, content)


async def render_off_loop(obj: ASObject) -> tuple[str, str]:
    """:func:`render_content` on a thread: nh3 releases the GIL while it parses, so the event
    loop stays free (other items, other requests) and an inbox item's time budget can fire
    even on pathological HTML (the thread finishes its work; its result is dropped)."""
    return await asyncio.to_thread(render_content, obj)


def language_of(obj: ASObject) -> str | None:
    content_map = getattr(obj, "contentMap", None)
    if isinstance(content_map, dict) and content_map:
        return str(next(iter(content_map)))[:16]
    language = getattr(obj, "language", None)
    identifier = language.get("identifier") if isinstance(language, dict) else None
    return str(identifier)[:16] if identifier else None


def parse_datetime(value: str | None) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            pass
    return datetime.now(UTC)


async def find_post(conn: Conn, uri: str) -> Post | None:
    return await fetch_row(conn, Post, Q["get_post_by_uri"], uri)


async def lock_post(conn: Conn, post: Post) -> Post | None:
    """``post`` as it is now, its row locked until the transaction ends."""
    return await fetch_row(conn, Post, Q["lock_post"], post.id)


async def waiting_replies(conn: Conn, post: Post) -> list[Post]:
    """Our own replies to ``post`` stored before its group took it in, their ``Create`` handled
    (they wait for it), oldest first."""
    return [Post.from_record(r) for r in await conn.fetch(Q["waiting_replies"], post.uri)]


async def find_post_by_id(conn: Conn, post_id: int) -> Post | None:
    return await fetch_row(conn, Post, Q["get_post_by_id"], post_id)


async def find_posts_by_ids(conn: Conn, post_ids: Sequence[int]) -> list[Post]:
    return [Post.from_record(r) for r in await conn.fetch(Q["get_posts_by_ids"], list(post_ids))]


async def find_post_by_uri_or_url(conn: Conn, uri_or_url: str) -> Post | None:
    """The post whose id, or page, is ``uri_or_url`` (ours or known from elsewhere)."""
    return await fetch_row(conn, Post, Q["get_post_by_uri_or_url"], uri_or_url)


async def is_tombstoned(conn: Conn, uri: str) -> bool:
    return bool(await conn.fetchval(Q["is_tombstoned"], uri))


async def store_post(
    conn: Conn, data: dict[str, Any], author: Actor, group: Actor | None, *, local: bool
) -> tuple[Post, bool]:
    """Store a post or comment once; (the post, whether it was new). Threads inherit groups."""
    obj = parse_object(data)
    assert obj.id is not None
    existing = await find_post(conn, obj.id)
    if existing is not None:
        return existing, False
    parent_uri = id_of(obj.in_reply_to)
    parent = await find_post(conn, parent_uri) if parent_uri else None
    in_group = await _audience_group(conn, obj, group, parent)
    parent_visibility = parent.visibility if parent else None
    visibility = stored_visibility(
        ids_of(obj.to), ids_of(obj.cc), author, in_group, parent_visibility
    )
    rendered = await render_off_loop(obj)
    values = _post_values(
        obj, data, author, _group_id(group, parent), parent, local, (*rendered, visibility)
    )
    post = await fetch_row(conn, Post, Q["insert_post"], *values)
    if post is None:  # stored by a concurrent worker a moment ago
        stored = await find_post(conn, obj.id)
        assert stored is not None
        return stored, False
    await _store_extras(conn, post, obj)
    await publish(conn, new_entry(post.id))
    if parent_uri is None:
        await conn.execute(Q["set_own_root"], post.id)
        own = await find_post_by_id(conn, post.id)
        assert own is not None
        return own, True
    return post, True


def _group_id(group: Actor | None, parent: Post | None) -> int | None:
    """The group a post goes to: the one given, else (a reply) its thread's group."""
    if group is None and parent is not None and parent.group_id is not None:
        return parent.group_id
    return group.id if group else None


async def _audience_group(
    conn: Conn, obj: ASObject, group: Actor | None, parent: Post | None
) -> Actor | None:
    """The community whose audience a post is for: the one given, else its thread's, else the
    one its ``audience`` names (ours, or one we know)."""
    if group is not None:
        return group
    if parent is not None and parent.group_id is not None:
        return await find_actor_by_id(conn, parent.group_id)
    named = id_of(obj.audience)
    return await find_actor_by_uri(conn, named) if named else None


def _post_values(
    obj: ASObject,
    data: dict[str, Any],
    author: Actor,
    group_id: int | None,
    parent: Post | None,
    local: bool,
    derived: tuple[str, str, str],
) -> list[Any]:
    """The ``insert_post`` parameters of a new post (``derived``: its content, title and
    visibility)."""
    content, title, visibility = derived
    return [
        obj.id,
        obj.type_names()[0],
        author.id,
        group_id,
        id_of(obj.in_reply_to),
        (parent.root_id or parent.id) if parent else None,
        id_of(obj.url),
        title,
        content,
        obj.summary or None,
        bool(obj.sensitive),
        language_of(obj),
        visibility,
        local,
        data,
        parse_datetime(obj.published),
    ]


async def _store_extras(conn: Conn, post: Post, obj: ASObject) -> None:
    """What a new post carries besides its text: a poll; from elsewhere, its attachments
    (ours are attached by the member's action)."""
    if not post.local:
        await link_remote(conn, post.id, post.author_id, post.raw)
    if isinstance(obj, Question):
        await store_poll(conn, post.id, obj, local=post.local)


def edited_parts(raw: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a new version of a post (Mastodon's ``significant_changes?``): the text,
    warning, title, attachments and poll options; new poll counts alone are no edit."""
    poll = [
        (o.get("name"), o.get("content")) if isinstance(o, dict) else o
        for o in _listed(raw.get("oneOf")) + _listed(raw.get("anyOf"))
    ]
    return (
        raw.get("content"),
        raw.get("contentMap"),
        raw.get("summary"),
        raw.get("sensitive"),
        raw.get("name"),
        _listed(raw.get("attachment")),
        poll,
    )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


async def update_post(conn: Conn, post: Post, data: dict[str, Any]) -> Post | None:
    """The post as its author changed it. An edit keeps the version it replaces (the post's
    history, :mod:`community.edits`); the same version again changes nothing."""
    if data == post.raw:
        return post  # the local path hears our own edit once more
    obj = parse_object(data)
    content, title = await render_off_loop(obj)
    edited = edited_parts(data) != edited_parts(post.raw)
    if edited:
        await conn.execute(Q["insert_post_edit"], post.id)
    record = await conn.fetchrow(
        Q["update_post_content"],
        post.id,
        title,
        content,
        obj.summary or None,
        bool(obj.sensitive),
        data,
        edited,
        parse_datetime(obj.updated) if edited else None,
    )
    if record is None:
        return None
    if edited and not post.local:
        await link_remote(conn, post.id, post.author_id, data)
    if isinstance(obj, Question):
        await refresh_poll(conn, post.id, obj)
    if edited:
        await publish(conn, Event("edit", post_id=post.id, entry_id=post.id))
    return Post.from_record(record)


async def delete_post(conn: Conn, post: Post, deleted_by: str) -> Post | None:
    await conn.execute(Q["insert_tombstone"], post.uri, deleted_by)
    record = await conn.fetchrow(Q["mark_post_deleted"], post.id)
    if record is None:
        return None
    await publish(conn, entry_gone(post.id))
    return Post.from_record(record)


async def remember_deleted(conn: Conn, uri: str, deleted_by: str) -> None:
    await conn.execute(Q["insert_tombstone"], uri, deleted_by)


async def record_share(conn: Conn, post: Post, group: Actor, announce_uri: str | None) -> None:
    """Remember that ``group`` shared ``post`` (stored once, however many groups did)."""
    share_id = await conn.fetchval(Q["record_share"], post.id, group.id, announce_uri)
    if share_id is not None:
        await publish(conn, new_entry(post.id, share_id, group.id))


async def remember_create(conn: Conn, post: Post, create_uri: str) -> None:
    """Remember the first ``Create`` that brought ``post`` here (one post, one Create)."""
    await conn.execute(Q["remember_create"], post.id, create_uri)


async def attach_to_group(conn: Conn, post: Post, group: Actor) -> Post:
    """A post stored before its group accepted it joins the group now (members-only, when the
    group is private: :mod:`community.audience`)."""
    record = await conn.fetchrow(Q["attach_to_group"], post.id, group.id, members_only(group))
    return post if record is None else Post.from_record(record)


async def admit_to_group(conn: Conn, data: dict[str, Any], author: Actor, group: Actor) -> Post:
    """A post the group's rules let in: stored (once), attached to the group (a post of ours
    stored before the group took it joins it now), and shared by the group; a thread is also
    the group's share (its boost, a reblog in its members' timelines)."""
    post, _ = await store_post(conn, data, author, group, local=author.local)
    if post.group_id is None:
        post = await attach_to_group(conn, post, group)
    elif post.group_id != group.id:
        await record_share(conn, post, group, None)
    if post.is_top_level:
        await record_share(conn, post, group, None)
    return post


async def already_announced(conn: Conn, group: Actor, inner_uri: str) -> bool:
    """Whether ``group`` already re-shared the activity ``inner_uri`` (handlers are re-run)."""
    return bool(await conn.fetchval(Q["find_group_announce_of"], group.id, inner_uri))


async def record_vote(conn: Conn, actor: Actor, post: Post, kind: str, activity_uri: str) -> None:
    await conn.execute(Q["upsert_vote"], actor.id, post.id, kind, activity_uri)


async def find_vote(conn: Conn, actor: Actor, post: Post) -> asyncpg.Record | None:
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_vote_of"], actor.id, post.id)
    return record


async def forget_vote(conn: Conn, actor: Actor, post: Post) -> None:
    await conn.execute(Q["delete_vote_of"], actor.id, post.id)


async def find_share(conn: Conn, post: Post, sharer: Actor) -> asyncpg.Record | None:
    """The share of ``post`` by ``sharer`` (a group, or a person who reblogged it)."""
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_share_of"], post.id, sharer.id)
    return record


async def forget_share(conn: Conn, post: Post, sharer: Actor) -> None:
    share_id = await conn.fetchval(Q["delete_share_of"], post.id, sharer.id)
    if share_id is not None:
        await publish(conn, entry_gone(post.id, share_id, sharer.id))


async def recent_threads(conn: Conn, group: Actor, limit: int) -> list[asyncpg.Record]:
    """The group's latest top-level posts with their authors and reply counts."""
    return list(await conn.fetch(Q["group_recent_threads"], group.id, limit))


async def pinned_posts(conn: Conn, group: Actor) -> list[dict[str, Any]]:
    """The group's pinned posts as objects: Lemmy reads its ``featured`` items as Pages."""
    return [row["raw"] for row in await conn.fetch(Q["pinned_posts"], group.id)]


async def find_vote_by_activity(conn: Conn, activity_uri: str) -> asyncpg.Record | None:
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_vote_by_activity"], activity_uri)
    return record


async def forget_vote_by_activity(conn: Conn, activity_uri: str, voter_id: int) -> None:
    await conn.execute(Q["delete_vote_by_activity"], activity_uri, voter_id)


async def find_share_by_announce(conn: Conn, announce_uri: str) -> asyncpg.Record | None:
    """A remote group's share of a post, by the id of its ``Announce``."""
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_share_by_announce"], announce_uri)
    return record


async def withdraw_share(conn: Conn, group_id: int, announce_uri: str, post_id: int) -> None:
    """A group takes back its share (found by its ``Announce``, or by the post)."""
    await conn.execute(Q["remove_share"], group_id, announce_uri, post_id)


async def set_pinned(conn: Conn, post_uri: str, group: Actor, pinned: bool) -> None:
    """Pin (or unpin) a post of ``group`` (its ``featured`` collection)."""
    await conn.execute(Q["set_pinned"], post_uri, pinned, group.id)


async def find_group_boost(conn: Conn, group: Actor, object_uri: str) -> dict[str, Any] | None:
    """The latest boost (the microblog form) of ``object_uri`` by our ``group``, as sent."""
    record = await conn.fetchrow(Q["find_group_boost"], group.id, object_uri)
    return None if record is None else _json_object(record["body"])


def _json_object(body: str) -> dict[str, Any]:
    parsed = orjson.loads(body)
    assert isinstance(parsed, dict)
    return parsed
