"""Threads as the web pages read them: a community's threads by keyset, a thread's comments
arranged as a tree, a post with its author.

Every read is one query whatever a community's size: sorts use the counters and indexes of
migration 0013 (``replies_count``, ``last_activity_at``, ``score``), pages are keysets (the
last thread shown is the cursor of the next page), and a thread's comments come in one query
and are arranged here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, get_args

from community.errors import InvalidInput
from community.storage.database import Conn, Record
from community.storage.queries import load_queries
from community.storage.rows import Row

Q = load_queries("community")

ThreadSort = Literal["active", "new", "top"]
SORTS: tuple[ThreadSort, ...] = get_args(ThreadSort)
PAGE_SIZE = 25
#: a thread page shows at most this many comments (one query, one page)
MAX_COMMENTS = 2000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NEWEST = 2**63 - 1


@dataclass(frozen=True)
class ThreadSummary(Row):
    """One line of a community's list of threads."""

    id: int
    uri: str
    local: bool
    title: str
    published: datetime
    updated: datetime | None
    pinned: bool
    visibility: str
    replies_count: int
    last_activity_at: datetime
    upvotes: int
    downvotes: int
    score: int
    author_username: str
    author_domain: str
    author_name: str
    author_local: bool


@dataclass(frozen=True)
class Cursor:
    """Where the next page of threads starts: after the thread with this sort key and id."""

    sort: ThreadSort
    key: int | datetime
    id: int

    def encode(self) -> str:
        key = self.key
        number = (key - _EPOCH) // _MICROSECOND if isinstance(key, datetime) else key
        return f"{number}_{self.id}"

    @classmethod
    def decode(cls, sort: ThreadSort, text: str) -> Cursor:
        number, _, ident = text.partition("_")
        try:
            key_number, thread_id = int(number), int(ident)
        except ValueError:
            raise InvalidInput(f"{text[:40]!r} is not a page of this list") from None
        if abs(key_number) >= _NEWEST or not 0 < thread_id < _NEWEST:
            raise InvalidInput(f"{text[:40]!r} is not a page of this list")
        key: int | datetime = key_number
        if sort == "active":
            try:
                key = _EPOCH + key_number * _MICROSECOND
            except OverflowError:
                raise InvalidInput(f"{text[:40]!r} is not a page of this list") from None
        return cls(sort, key, thread_id)

    @classmethod
    def after(cls, sort: ThreadSort, thread: ThreadSummary) -> Cursor:
        if sort == "active":
            return cls(sort, thread.last_activity_at, thread.id)
        return cls(sort, thread.id if sort == "new" else thread.score, thread.id)


@dataclass(frozen=True)
class ThreadPage:
    threads: list[ThreadSummary]
    #: the next page's cursor, or None on the last page
    next: Cursor | None


def _keyset(sort: ThreadSort, cursor: Cursor | None) -> list[Any]:
    if sort == "new":
        return [cursor.id if cursor else _NEWEST]
    if cursor is None:
        first: int | datetime = datetime.max.replace(tzinfo=UTC) if sort == "active" else 2**31 - 1
        return [first, _NEWEST]
    return [cursor.key, cursor.id]


async def list_threads(
    conn: Conn,
    group_id: int,
    sort: ThreadSort,
    cursor: Cursor | None = None,
    *,
    members_only: bool = False,
    limit: int = PAGE_SIZE,
) -> ThreadPage:
    """A page of ``group_id``'s threads (pinned ones aside); ``members_only`` shows the posts
    a closed group addresses to its members alone."""
    query = Q[f"threads_{sort}"]
    rows = await conn.fetch(query, group_id, members_only, *_keyset(sort, cursor), limit + 1)
    threads = [ThreadSummary.from_record(r) for r in rows[:limit]]
    more = len(rows) > limit
    return ThreadPage(threads, Cursor.after(sort, threads[-1]) if more else None)


async def pinned_threads(
    conn: Conn, group_id: int, *, members_only: bool = False
) -> list[ThreadSummary]:
    rows = await conn.fetch(Q["threads_pinned"], group_id, members_only)
    return [ThreadSummary.from_record(r) for r in rows]


class PostView(NamedTuple):
    """A post (or comment) with its author, whoever deleted it, and the viewer's vote.

    A named tuple rather than a frozen dataclass: a thread page makes hundreds, and a tuple is
    made in half the time. Both queries that make them select every field by name.
    """

    id: int
    uri: str
    url: str | None
    local: bool
    type: str
    title: str
    content_html: str
    summary: str | None
    visibility: str
    published: datetime
    updated: datetime | None
    deleted_at: datetime | None
    pinned: bool
    group_id: int | None
    author_id: int
    root_id: int | None
    in_reply_to_uri: str | None
    replies_count: int
    upvotes: int
    downvotes: int
    score: int
    locked: bool
    #: when a moderator removed it (None: shown, or deleted by its author), and why
    removed_at: datetime | None
    removal_reason: str
    author_username: str
    author_domain: str
    author_name: str
    author_local: bool
    author_uri: str
    deleted_by: str | None
    my_vote: str | None

    @classmethod
    def of(cls, record: Record) -> PostView:
        return cls._make([record[name] for name in cls._fields])

    @property
    def removed(self) -> bool:
        """Removed by a moderator (here, or by someone other than its author elsewhere)."""
        if self.deleted_at is None:
            return False
        return self.removed_at is not None or self.deleted_by not in (None, self.author_uri)

    @property
    def is_top_level(self) -> bool:
        return self.in_reply_to_uri is None


async def find_post_view(
    conn: Conn, *, post_id: int = 0, uri: str = "", viewer_id: int = 0
) -> PostView | None:
    """One post by id or by URI, as a page shows it."""
    record = await conn.fetchrow(Q["post_with_author"], post_id, uri, viewer_id)
    return None if record is None else PostView.of(record)


async def thread_comments(
    conn: Conn, root_id: int, viewer_id: int = 0, limit: int = MAX_COMMENTS
) -> list[PostView]:
    rows = await conn.fetch(Q["thread_comments"], root_id, viewer_id, limit)
    return [PostView.of(row) for row in rows]


class CommentNode(NamedTuple):
    """A comment in reading order: how deep it sits, and how many levels end after it."""

    comment: PostView
    depth: int
    has_children: bool
    closes: int


def arrange(
    root_uri: str, comments: Sequence[PostView], shown: Sequence[bool]
) -> list[CommentNode]:
    """The comments of a thread as a tree, flattened in reading order (best first among
    siblings). A comment not ``shown`` is left out with everything under it; a comment whose
    parent never reached us sits under the post."""
    known = {c.uri for c in comments}
    children: dict[str, list[PostView]] = {}
    for comment, visible in zip(comments, shown, strict=True):
        if not visible:
            continue
        parent = comment.in_reply_to_uri or root_uri
        children.setdefault(parent if parent in known else root_uri, []).append(comment)
    for siblings in children.values():
        siblings.sort(key=lambda c: (-c.score, c.id))
    return _flatten(root_uri, children)


def _flatten(root_uri: str, children: dict[str, list[PostView]]) -> list[CommentNode]:
    ordered: list[tuple[PostView, int]] = []
    stack = [(c, 0) for c in reversed(children.get(root_uri, []))]
    while stack:
        comment, depth = stack.pop()
        ordered.append((comment, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(comment.uri, [])))
    return _nodes(ordered)


def _nodes(ordered: Sequence[tuple[PostView, int]]) -> list[CommentNode]:
    """Each comment with whether the next one is its child, and how many levels end."""
    nodes: list[CommentNode] = []
    for index, (comment, depth) in enumerate(ordered):
        next_depth = ordered[index + 1][1] if index + 1 < len(ordered) else 0
        has_children = next_depth > depth
        closes = 0 if has_children else depth - next_depth
        nodes.append(CommentNode(comment, depth, has_children, closes))
    return nodes


def subtree(nodes: Sequence[CommentNode], comment_id: int) -> list[CommentNode]:
    """The comment ``comment_id`` and the replies under it, it at the top (its own page)."""
    start = next((i for i, n in enumerate(nodes) if n.comment.id == comment_id), None)
    if start is None:
        return []
    top = nodes[start].depth
    end = start + 1
    while end < len(nodes) and nodes[end].depth > top:
        end += 1
    return _nodes([(n.comment, n.depth - top) for n in nodes[start:end]])
