"""``Undo``: of a Follow (leaving), a vote, a group's share, and of a moderator's act: a ban
(``Undo{Block}``), a removal (``Undo{Delete}``), a lock (``Undo{Lock}``).

Only the actor of the undone activity may undo a follow, a vote or a share (DESIGN.md §5); the
undone activity is found by its id among what we stored, so an embedded copy cannot claim
someone else's. A moderator's act is undone by any moderator of the group: in one of our
groups it is their act (:mod:`inbox.handlers.acts`); in another server's group we follow what
that group vouches for. The withdrawal of a vote on a post in one of our groups is re-shared
to its followers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import (
    find_ban_by_activity,
    find_follow,
    find_follow_by_activity,
    lift_ban,
    remove_follow,
)
from community.moderation import set_locked, unmark_removed
from community.posts import (
    Post,
    find_post,
    find_post_by_id,
    find_share_by_announce,
    find_vote_by_activity,
    forget_vote_by_activity,
    withdraw_share,
)
from community.storage.database import Conn
from federation.vocabulary import Activity, ASObject
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.acts import submit_received, vouched_by_group
from inbox.model import Done, Ignored, Outcome, Received, Reshare, Transaction

Undoer = Callable[[AppContext, Received, Transaction, Actor], Awaitable[Outcome]]


async def undo_follow(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    conn = await tx.begin()
    follow = await find_follow_by_activity(conn, id_of(rx.object) or "")
    if follow is None and isinstance(rx.object, Activity):
        followee = await find_actor_by_uri(conn, rx.object.object_uri or "")
        if followee is not None:
            follow = await find_follow(conn, undoer.id, followee.id)
    if follow is None:
        return Ignored("no such follow")
    if follow.follower_id != undoer.id:
        raise Refused("only the follower may undo a follow")
    await remove_follow(conn, follow.follower_id, follow.followee_id)
    return Done("unfollowed")


async def undo_vote(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    conn = await tx.begin()
    vote_uri = id_of(rx.object) or ""
    vote = await find_vote_by_activity(conn, vote_uri)
    if vote is None:
        return Ignored("no such vote")
    if vote["actor_id"] != undoer.id:
        raise Refused("only the voter may undo a vote")
    await forget_vote_by_activity(conn, vote_uri, undoer.id)
    post = await find_post_by_id(conn, vote["post_id"])
    group = await find_actor_by_id(conn, post.group_id) if post and post.group_id else None
    return Done("vote withdrawn") if group is None else Reshare(group, "vote withdrawn")


async def undo_share(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    conn = await tx.begin()
    announce_uri = id_of(rx.object) or ""
    share = await find_share_by_announce(conn, announce_uri)
    if share is None:
        return Ignored("no such share")
    if share["group_id"] != undoer.id:
        raise Refused("only the group that shared may undo its share")
    await withdraw_share(conn, undoer.id, announce_uri, share["post_id"])
    return Done("share withdrawn")


async def undo_ban(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    undone = rx.object
    async with ctx.pool.acquire() as reading:
        ban = await find_ban_by_activity(reading, id_of(undone) or "")
        target = id_of(undone.target) if isinstance(undone, Activity) else None
        group = await find_actor_by_uri(reading, target) if target else None
        if group is None and ban is not None:
            group = await find_actor_by_id(reading, ban["group_id"])
    if group is None or not group.is_group:
        return Ignored("no such ban")
    person_uri = id_of(undone.object) if isinstance(undone, Activity) else None
    if group.local:
        banned = person_uri or await _banned_uri(ctx, ban["actor_id"] if ban else None)
        return await submit_received(ctx, rx, tx, group, "unban", {"person": banned})
    if ban is None:
        return Ignored("no such ban")
    if not vouched_by_group(rx, group):
        raise Refused("only the group's own server may lift its ban")
    await lift_ban(await tx.begin(), ban["group_id"], ban["actor_id"])
    return Done("ban lifted")


async def _banned_uri(ctx: AppContext, actor_id: int | None) -> str:
    async with ctx.pool.acquire() as reading:
        banned = await find_actor_by_id(reading, actor_id) if actor_id else None
    return banned.uri if banned else ""


async def _moderated_post(ctx: AppContext, rx: Received) -> tuple[Post, Actor]:
    """The post a moderator's undone act was about, and its group."""
    undone = rx.object
    post_uri = id_of(undone.object) if isinstance(undone, Activity) else None
    async with ctx.pool.acquire() as reading:
        post = await find_post(reading, post_uri or "")
        group = await find_actor_by_id(reading, post.group_id) if post and post.group_id else None
    if post is None or group is None:
        raise Refused("an undo about a post in no group we know")
    return post, group


async def undo_removal(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    post, group = await _moderated_post(ctx, rx)
    if post.author_id == undoer.id:
        raise Refused("an author's deletion is final here")
    if group.local:
        return await submit_received(ctx, rx, tx, group, "restore_post", {"post": post.uri})
    if not vouched_by_group(rx, group):
        raise Refused("only the group's moderators may restore a post")
    await unmark_removed(await tx.begin(), post)
    return Done(f"post restored in {group.handle}")


async def undo_lock(ctx: AppContext, rx: Received, tx: Transaction, undoer: Actor) -> Outcome:
    post, group = await _moderated_post(ctx, rx)
    if group.local:
        return await submit_received(ctx, rx, tx, group, "unlock", {"post": post.uri})
    if not vouched_by_group(rx, group):
        raise Refused("only the group's moderators may unlock its threads")
    await set_locked(await tx.begin(), post, False)
    return Done(f"thread unlocked in {group.handle}")


async def undone_kind(conn: Conn, rx: Received) -> str | None:
    """The undone activity's type: as embedded, or (given by id) as we stored it."""
    if isinstance(rx.object, ASObject) and rx.object.type:
        return rx.object.type_names()[0]
    undone_uri = id_of(rx.object) or ""
    if await find_follow_by_activity(conn, undone_uri):
        return "Follow"
    if await find_vote_by_activity(conn, undone_uri):
        return "Like"
    if await find_ban_by_activity(conn, undone_uri):
        return "Block"
    return None


UNDOERS: dict[str, Undoer] = {
    "Follow": undo_follow,
    "Like": undo_vote,
    "Dislike": undo_vote,
    "Announce": undo_share,
    "Block": undo_ban,
    "Delete": undo_removal,
    "Lock": undo_lock,
}


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    async with ctx.pool.acquire() as reading:
        undoer = await find_actor_by_uri(reading, rx.actor_uri)
        kind = await undone_kind(reading, rx)
    if undoer is None:
        return Ignored("an actor we do not know")
    undoer_of = UNDOERS.get(kind or "")
    if undoer_of is None:
        raise Refused(f"nothing to undo for {id_of(rx.object)}")
    return await undoer_of(ctx, rx, tx, undoer)
