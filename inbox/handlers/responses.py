"""``Accept`` and ``Reject`` of a Follow one of our actors sent (an answer to anything else,
such as a group's ``Reject`` of a post, answers no follow).

Only the actor that was followed may answer (DESIGN.md §5): the answer's actor must be the
Follow's object.
"""

from __future__ import annotations

from community.actors import find_actor_by_uri
from community.context import AppContext
from community.membership import (
    Follow,
    accept_follow,
    find_follow,
    find_follow_by_activity,
    remove_follow,
)
from community.storage.database import Conn
from federation.vocabulary import Activity
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.model import Done, Outcome, Received, Transaction
from inbox.relaying import answer


async def _follow_answered(conn: Conn, rx: Received) -> Follow:
    if isinstance(rx.object, Activity) and "Follow" not in rx.object.type_names():
        # a group's Reject of a post (its Create) answers no follow: the member stays one
        raise Refused(f"an answer to a {rx.object.type}, not to a follow")
    follow = await find_follow_by_activity(conn, id_of(rx.object) or "")
    if follow is None and isinstance(rx.object, Activity):
        follower = await find_actor_by_uri(conn, rx.object.actor_uri or "")
        followee = await find_actor_by_uri(conn, rx.actor_uri)
        if follower is not None and followee is not None and follower.local:
            follow = await find_follow(conn, follower.id, followee.id)
    if follow is None:
        raise Refused("no follow of ours that this answers")
    followee = await find_actor_by_uri(conn, rx.actor_uri)
    if followee is None or followee.id != follow.followee_id:
        raise Refused("only the followed actor may answer a follow")
    return follow


async def handle_accept(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    relayed = await answer(rx, tx, accepted=True)  # a relay's answer to our subscription
    if relayed is not None:
        return relayed
    conn = await tx.begin()
    follow = await _follow_answered(conn, rx)
    if follow.accepted:
        return Done("already accepted")
    await accept_follow(conn, follow)
    return Done("follow accepted")


async def handle_reject(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    relayed = await answer(rx, tx, accepted=False)
    if relayed is not None:
        return relayed
    conn = await tx.begin()
    follow = await _follow_answered(conn, rx)
    await remove_follow(conn, follow.follower_id, follow.followee_id)
    return Done("follow rejected")
