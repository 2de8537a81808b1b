"""``Undo``: of a Follow (leaving), a vote, a group's share, or a ban.

Only the actor of the undone activity may undo it (DESIGN.md §5). The undone activity is
found by its id among what we stored, so an embedded copy cannot claim someone else's. The
withdrawal of a vote on a post in one of our groups is re-shared to its followers.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import (
    find_ban_by_activity,
    find_follow,
    find_follow_by_activity,
    lift_ban,
    remove_follow,
)
from community.posts import (
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
from inbox.model import Done, Ignored, Outcome, Received, Reshare, Transaction


async def undo_follow(conn: Conn, rx: Received, undoer: Actor) -> Outcome:
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


async def undo_vote(conn: Conn, rx: Received, undoer: Actor) -> Outcome:
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


async def undo_share(conn: Conn, rx: Received, undoer: Actor) -> Outcome:
    announce_uri = id_of(rx.object) or ""
    share = await find_share_by_announce(conn, announce_uri)
    if share is None:
        return Ignored("no such share")
    if share["group_id"] != undoer.id:
        raise Refused("only the group that shared may undo its share")
    await withdraw_share(conn, undoer.id, announce_uri, share["post_id"])
    return Done("share withdrawn")


async def undo_ban(conn: Conn, rx: Received, undoer: Actor) -> Outcome:
    ban = await find_ban_by_activity(conn, id_of(rx.object) or "")
    if ban is None:
        return Ignored("no such ban")
    group = await find_actor_by_id(conn, ban["group_id"])
    if group is None or group.local or group.domain != undoer.domain:
        raise Refused("only the group's own server may lift its ban")
    await lift_ban(conn, ban["group_id"], ban["actor_id"])
    return Done("ban lifted")


async def undone_kind(conn: Conn, rx: Received) -> str | None:
    """The undone activity's type: as embedded, or (given by id) as we stored it."""
    if isinstance(rx.object, ASObject) and rx.object.type:
        return rx.object.type_names()[0]
    undone_uri = id_of(rx.object) or ""
    if await find_follow_by_activity(conn, undone_uri):
        return "Follow"
    if await find_vote_by_activity(conn, undone_uri):
        return "Like"
    return None


UNDOERS = {
    "Follow": undo_follow,
    "Like": undo_vote,
    "Dislike": undo_vote,
    "Announce": undo_share,
    "Block": undo_ban,
}


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    conn = await tx.begin()
    undoer = await find_actor_by_uri(conn, rx.actor_uri)
    if undoer is None:
        return Ignored("an actor we do not know")
    undoer_of = UNDOERS.get(await undone_kind(conn, rx) or "")
    if undoer_of is None:
        raise Refused(f"nothing to undo for {id_of(rx.object)}")
    return await undoer_of(conn, rx, undoer)
