"""``Undo``: of a Follow (leaving), a vote, a group's share, or a ban.

Only the actor of the undone activity may undo it (DESIGN.md §5). The undone activity is
found by its id among what we stored, so an embedded copy cannot claim someone else's.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import find_follow, find_follow_by_activity, remove_follow
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.model import Received
from outbox.redistribute import announce_wrapped

QC = load_queries("community")


async def undo_follow(conn: Conn, rx: Received, undoer: Actor) -> str:
    follow = await find_follow_by_activity(conn, id_of(rx.object) or "")
    if follow is None and isinstance(rx.object, dict):
        followee = await find_actor_by_uri(conn, id_of(rx.object.get("object")) or "")
        if followee is not None:
            follow = await find_follow(conn, undoer.id, followee.id)
    if follow is None:
        return "ignored: no such follow"
    if follow.follower_id != undoer.id:
        raise Refused("only the follower may undo a follow")
    await remove_follow(conn, follow.follower_id, follow.followee_id)
    return "unfollowed"


async def undo_vote(ctx: AppContext, conn: Conn, rx: Received, undoer: Actor) -> str:
    vote = await conn.fetchrow(QC["get_vote_by_activity"], id_of(rx.object))
    if vote is None:
        return "ignored: no such vote"
    if vote["actor_id"] != undoer.id:
        raise Refused("only the voter may undo a vote")
    await conn.execute(QC["delete_vote_by_activity"], id_of(rx.object), undoer.id)
    post = await conn.fetchrow(QC["get_post_by_id"], vote["post_id"])
    group = await find_actor_by_id(conn, post["group_id"]) if post and post["group_id"] else None
    if group is not None and group.local and rx.via_group_uri is None:
        await announce_wrapped(conn, ctx.urls, group, rx.body)
    return "vote withdrawn"


async def undo_share(conn: Conn, rx: Received, undoer: Actor) -> str:
    share = await conn.fetchrow(QC["get_share_by_announce"], id_of(rx.object))
    if share is None:
        return "ignored: no such share"
    if share["group_id"] != undoer.id:
        raise Refused("only the group that shared may undo its share")
    await conn.execute(QC["remove_share"], undoer.id, id_of(rx.object), share["post_id"])
    return "share withdrawn"


async def undo_ban(conn: Conn, rx: Received, undoer: Actor) -> str:
    ban = await conn.fetchrow(QC["get_ban_by_activity"], id_of(rx.object))
    if ban is None:
        return "ignored: no such ban"
    group = await find_actor_by_id(conn, ban["group_id"])
    if group is None or group.local or group.domain != undoer.domain:
        raise Refused("only the group's own server may lift its ban")
    await conn.execute(QC["delete_ban"], ban["group_id"], ban["actor_id"])
    return "ban lifted"


async def handle(ctx: AppContext, rx: Received) -> str:
    kind = rx.object.get("type") if isinstance(rx.object, dict) else None
    async with ctx.pool.acquire() as conn, conn.transaction():
        undoer = await find_actor_by_uri(conn, rx.actor_uri)
        if undoer is None:
            return "ignored: an actor we do not know"
        if kind == "Follow" or (kind is None and await find_follow_by_activity(
            conn, id_of(rx.object) or ""
        )):  # fmt: skip
            return await undo_follow(conn, rx, undoer)
        if kind in ("Like", "Dislike") or (kind is None and await conn.fetchval(
            QC["get_vote_by_activity"], id_of(rx.object)
        )):  # fmt: skip
            return await undo_vote(ctx, conn, rx, undoer)
        if kind == "Announce":
            return await undo_share(conn, rx, undoer)
        if kind == "Block":
            return await undo_ban(conn, rx, undoer)
    raise Refused(f"nothing to undo for {id_of(rx.object)}")
