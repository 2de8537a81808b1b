"""``Like`` and ``Dislike``: votes (Lemmy) and favourites (Mastodon) on posts.

A vote on a post in one of our groups is stored and re-shared to the group's FEP-1b12
followers (a :class:`~inbox.model.Reshare` without a boost: microblogs do not show others'
votes). Banned people may not vote.
"""

from __future__ import annotations

from community.actors import find_actor_by_id
from community.context import AppContext
from community.membership import is_banned
from community.notifications import notify
from community.posts import find_post, record_vote
from federation.vocabulary.base import id_of
from inbox.errors import Refused, Transient
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Outcome, Received, Reshare, Transaction


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    voter = await ensure_actor(ctx, rx.actor_uri)
    conn = await tx.begin()
    post = await find_post(conn, id_of(rx.object) or "")
    if post is None and rx.attempts < 3:
        # the post may be on its way (another worker, another order): look again later
        raise Transient("a vote on a post we do not have (yet)")
    if post is None or post.deleted_at is not None:
        raise Refused("a vote on a post we do not have")
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    if group is not None and group.local and await is_banned(conn, group, voter):
        raise Refused("banned from the group")
    await record_vote(conn, voter, post, rx.activity_type, rx.activity_uri)
    if rx.activity_type == "Like":
        await notify(conn, post.author_id, "favourite", voter.id, post.id)
    note = f"{rx.activity_type.lower()} recorded"
    return Done(note) if group is None else Reshare(group, note)
