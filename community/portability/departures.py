"""A member who leaves for good: who must hear of it, and what stays of their account.

The account's row stays, marked deleted, so its name is never given to anyone else (one
namespace, case-insensitive: ``actors_local_username``) and its key still signs the
``Delete`` being delivered; its actor URL answers 410 with a ``Tombstone``. What they wrote
is deleted (tombstones kept, so no late copy brings it back), their votes and follows end,
they moderate nothing, and they sign in no more.
"""

from __future__ import annotations

from community.actors import Actor
from community.membership import remove_follows_of
from community.oauth import revoke_all_of
from community.posts import Post, delete_post
from community.sessions import end_all_sessions
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")


async def deletion_inboxes(conn: Conn, person: Actor) -> list[str]:
    """Every inbox that knows ``person``: their followers', those they follow, the groups
    they posted in, and the followers of our groups that shared their posts."""
    return [r["inbox"] for r in await conn.fetch(Q["deletion_inboxes"], person.id)]


async def close_account(conn: Conn, person: Actor) -> int:
    """Delete what ``person`` published and end what they take part in; the posts deleted."""
    posts = [Post.from_record(r) for r in await conn.fetch(Q["live_posts_of_author"], person.id)]
    for post in posts:
        await delete_post(conn, post, person.uri)
    await conn.execute(Q["delete_votes_of"], person.id)
    await conn.execute(Q["delete_moderator_rows_of"], person.id)
    await remove_follows_of(conn, person.id)
    await conn.execute(Q["close_account"], person.id)
    await revoke_all_of(conn, person.id)
    await end_all_sessions(conn, person.id)
    await conn.execute(Q["mark_local_actor_deleted"], person.id)
    return len(posts)
