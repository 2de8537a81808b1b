"""The read model of threads: the counters of migration 0013, keyset cursors, and the
arrangement of a thread's comments."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from community.accounts import create_user
from community.errors import InvalidInput
from community.groups import create_group
from community.posts import delete_post, record_vote, store_post
from community.threads import (
    Cursor,
    arrange,
    list_threads,
    subtree,
    thread_comments,
)
from community.urls import Urls

BASE = "https://social.test"


def note(n: str, reply_to: str | None = None, title: str | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": f"{BASE}/objects/{n}",
        "type": "Page" if title else "Note",
        "attributedTo": f"{BASE}/users/alice",
        "content": f"<p>{n}</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    if reply_to:
        data["inReplyTo"] = f"{BASE}/objects/{reply_to}"
    if title:
        data["name"] = title
    return data


async def test_counters_follow_replies_deletions_and_votes(conn: asyncpg.Connection) -> None:
    urls = Urls(BASE)
    alice = await create_user(conn, urls, "alice")
    bob = await create_user(conn, urls, "bob")
    group = await create_group(conn, urls, "garden")
    root, _ = await store_post(conn, note("root", title="Root"), alice, group, local=True)
    first, _ = await store_post(conn, note("a", "root"), bob, None, local=True)
    await store_post(conn, note("b", "a"), alice, None, local=True)
    await record_vote(conn, bob, root, "Like", f"{BASE}/activities/1")
    await record_vote(conn, alice, root, "Dislike", f"{BASE}/activities/2")
    await record_vote(conn, alice, root, "Like", f"{BASE}/activities/3")  # changes her vote
    row = await conn.fetchrow("SELECT * FROM posts WHERE id = $1", root.id)
    assert (row["replies_count"], row["upvotes"], row["downvotes"], row["score"]) == (2, 2, 0, 2)
    assert row["last_activity_at"] >= row["published"]
    await delete_post(conn, first, bob.uri)
    assert await conn.fetchval("SELECT replies_count FROM posts WHERE id = $1", root.id) == 1
    await conn.execute("DELETE FROM votes WHERE actor_id = $1", bob.id)
    assert await conn.fetchval("SELECT score FROM posts WHERE id = $1", root.id) == 1
    page = await list_threads(conn, group.id, "top")
    assert [t.title for t in page.threads] == ["Root"]
    assert page.next is None


@pytest.mark.parametrize("sort", ["active", "new", "top"])
def test_cursors_round_trip(sort: str) -> None:
    key = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC) if sort == "active" else -3
    cursor = Cursor(sort, key, 42)  # type: ignore[arg-type]
    assert Cursor.decode(sort, cursor.encode()) == cursor  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "x", "1_", "_1", "1_0", "9" * 30 + "_1", "1_-4"])
def test_bad_cursors_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        Cursor.decode("active", text)


async def test_comments_are_arranged_best_first_and_hidden_ones_take_their_replies(
    conn: asyncpg.Connection,
) -> None:
    urls = Urls(BASE)
    alice = await create_user(conn, urls, "alice")
    group = await create_group(conn, urls, "garden")
    root, _ = await store_post(conn, note("root", title="Root"), alice, group, local=True)
    replies = [("a", "root"), ("b", "root"), ("a1", "a"), ("a1x", "a1"), ("h", "root")]
    for n, parent in [*replies, ("h1", "h"), ("lost", "never-seen")]:
        await store_post(conn, note(n, parent), alice, group, local=True)
    await conn.execute("UPDATE posts SET upvotes = 3 WHERE uri = $1", f"{BASE}/objects/b")
    # a reply whose parent never reached us, though we know its thread: under the post
    await conn.execute(
        "UPDATE posts SET root_id = $1 WHERE uri = $2", root.id, f"{BASE}/objects/lost"
    )
    comments = await thread_comments(conn, root.id)
    shown = [not c.uri.endswith("/h") for c in comments]
    nodes = arrange(root.uri, comments, shown)
    order = [(n.comment.uri.rsplit("/", 1)[1], n.depth, n.has_children, n.closes) for n in nodes]
    assert order == [
        ("b", 0, False, 0),
        ("a", 0, True, 0),
        ("a1", 1, True, 0),
        ("a1x", 2, False, 2),
        ("lost", 0, False, 0),
    ]
    alone = subtree(nodes, next(c.id for c in comments if c.uri.endswith("/a1")))
    assert [(n.comment.uri.rsplit("/", 1)[1], n.depth, n.closes) for n in alone] == [
        ("a1", 0, 0),
        ("a1x", 1, 1),
    ]
