"""Membership: follows of groups (and people), moderators and bans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from community.actors import Actor, find_actor_by_uri
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")


@dataclass(frozen=True)
class Follow(Row):
    id: int
    follower_id: int
    followee_id: int
    state: str
    activity_uri: str | None
    created_at: datetime
    accepted_at: datetime | None

    @property
    def accepted(self) -> bool:
        return self.state == "accepted"


async def record_follow(
    conn: Conn, follower: Actor, followee: Actor, activity_uri: str | None, *, accepted: bool
) -> Follow:
    """Store a follow (an accepted one stays accepted when the Follow is sent again)."""
    state = "accepted" if accepted else "pending"
    values = (follower.id, followee.id, state, activity_uri)
    follow = await fetch_row(conn, Follow, Q["upsert_follow"], *values)
    assert follow is not None
    return follow


async def accept_follow(conn: Conn, follow: Follow) -> Follow | None:
    return await fetch_row(conn, Follow, Q["accept_follow"], follow.id)


async def remove_follow(conn: Conn, follower_id: int, followee_id: int) -> Follow | None:
    return await fetch_row(conn, Follow, Q["delete_follow"], follower_id, followee_id)


async def find_follow(conn: Conn, follower_id: int, followee_id: int) -> Follow | None:
    return await fetch_row(conn, Follow, Q["get_follow"], follower_id, followee_id)


async def find_follow_by_activity(conn: Conn, activity_uri: str) -> Follow | None:
    return await fetch_row(conn, Follow, Q["get_follow_by_activity"], activity_uri)


async def pending_requests(conn: Conn, group: Actor) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["pending_follows"], group.id))


async def is_member(conn: Conn, group: Actor, actor: Actor) -> bool:
    return bool(await conn.fetchval(Q["is_member"], group.id, actor.id))


async def is_moderator(conn: Conn, group: Actor, actor: Actor) -> bool:
    return bool(await conn.fetchval(Q["is_moderator"], group.id, actor.id))


async def is_banned(conn: Conn, group: Actor, actor: Actor) -> bool:
    return bool(await conn.fetchval(Q["is_banned"], group.id, actor.id))


async def may_post(conn: Conn, group: Actor, author: Actor, *, top_level: bool) -> str | None:
    """None when ``author`` may post (or reply) in ``group``; else the reason they may not.

    Moderators always may; banned people never (the reason says why); no one in a deleted
    group, nor in one that moved (the reason names its new address). ``moderators`` restricts
    top-level posts to moderators (Lemmy's ``postingRestrictedToMods``) and replies to
    members; ``members`` (the default) lets members post and reply; ``anyone`` lets anyone
    not banned.
    """
    if group.deleted_at is not None:
        return "this group was deleted"
    moved = await moved_notice(conn, group)
    if moved is not None:
        return moved
    if await is_moderator(conn, group, author):
        return None
    banned: str | None = await conn.fetchval(Q["ban_reason"], group.id, author.id)
    if banned is not None:
        return f"you are banned from this group: {banned}" if banned else "you are banned"
    if group.posting_policy == "moderators" and top_level:
        return "only moderators may start threads in this group"
    if group.posting_policy == "anyone":
        return None
    if await is_member(conn, group, author):
        return None
    return "only members may post in this group: follow it first"


async def moved_notice(conn: Conn, actor: Actor) -> str | None:
    """``this community moved to @name@host (uri)`` for a moved actor; None otherwise."""
    if actor.moved_to_uri is None:
        return None
    target = await find_actor_by_uri(conn, actor.moved_to_uri)
    what = "community" if actor.is_group else "account"
    where = f"@{target.handle} ({target.uri})" if target is not None else actor.moved_to_uri
    return f"this {what} moved to {where}"


async def move_follows(conn: Conn, old: Actor, new: Actor) -> None:
    await conn.execute(Q["move_follows"], old.id, new.id)


async def is_moderated_here(conn: Conn, group: Actor) -> bool:
    """Whether one of our people moderates ``group`` (a group on another server)."""
    return bool(await conn.fetchval(Q["moderated_here"], group.id))


async def find_group_by_collection(conn: Conn, collection_uri: str) -> Actor | None:
    """The group whose ``featured`` or moderators collection ``collection_uri`` is."""
    return await fetch_row(conn, Actor, Q["get_group_by_collection"], collection_uri)


async def is_followed_here(conn: Conn, actor: Actor) -> bool:
    """Whether one of our actors follows ``actor`` (what it sends concerns someone here)."""
    return bool(await conn.fetchval(Q["followed_by_local"], actor.id))


async def remove_follows_of(conn: Conn, actor_id: int) -> None:
    """End every follow of and by a deleted actor."""
    await conn.execute(Q["delete_follows_of_actor"], actor_id)


async def record_ban(
    conn: Conn,
    group: Actor,
    actor: Actor,
    reason: str,
    expires_at: datetime | None,
    activity_uri: str,
) -> None:
    """``actor`` is banned from ``group`` (until ``expires_at``, when set)."""
    await conn.execute(Q["insert_ban"], group.id, actor.id, reason, expires_at, activity_uri)


async def find_ban_by_activity(conn: Conn, activity_uri: str) -> asyncpg.Record | None:
    record: asyncpg.Record | None = await conn.fetchrow(Q["get_ban_by_activity"], activity_uri)
    return record


async def lift_ban(conn: Conn, group_id: int, actor_id: int) -> None:
    await conn.execute(Q["delete_ban"], group_id, actor_id)
