"""Conversations: threads of direct posts (outside groups) a person wrote or was addressed in,
as Mastodon's ``/api/v1/conversations`` shows them (``app/models/account_conversation.rb``):
one per thread, named by its root post, with its latest post, unread until read, hidden when
removed until a newer post arrives. Computed from the posts themselves; only the person's marks
(read up to, removed up to) are stored. Mutes of a thread live here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from community.actors import Actor
from community.posts import Post
from community.statuses import Page
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row

Q = load_queries("community")


@dataclass(frozen=True)
class Conversation(Row):
    root_id: int
    last_post_id: int
    unread: bool


async def list_conversations(conn: Conn, person: Actor, page: Page) -> list[Conversation]:
    """A page of a person's conversations, keyed on their latest post, newest first."""
    rows = await conn.fetch(Q["list_conversations"], person.id, person.uri, *page.keyset, 0)
    found = [Conversation.from_record(r) for r in rows]
    return sorted(found, key=lambda c: c.last_post_id, reverse=True)


async def find_conversation(conn: Conn, person: Actor, root_id: int) -> Conversation | None:
    everything = Page(limit=1)
    query = Q["list_conversations"]
    record = await conn.fetchrow(query, person.id, person.uri, *everything.keyset, root_id)
    return None if record is None else Conversation.from_record(record)


async def mark_read(conn: Conn, person: Actor, conversation: Conversation) -> None:
    await conn.execute(
        Q["mark_conversation_read"], person.id, conversation.root_id, conversation.last_post_id
    )


async def remove(conn: Conn, person: Actor, conversation: Conversation) -> None:
    """Hide a conversation until someone writes in it again."""
    await conn.execute(
        Q["remove_conversation"], person.id, conversation.root_id, conversation.last_post_id
    )


def thread_of(post: Post) -> int:
    """The root post's id of a post's thread (the post itself when its root is unknown)."""
    return post.root_id or post.id


async def mute_thread(conn: Conn, person: Actor, post: Post) -> None:
    """No more mentions from the thread (Mastodon's ``POST /api/v1/statuses/:id/mute``)."""
    await conn.execute(Q["mute_conversation"], person.id, thread_of(post))


async def unmute_thread(conn: Conn, person: Actor, post: Post) -> None:
    await conn.execute(Q["unmute_conversation"], person.id, thread_of(post))
