"""``Like`` and ``Dislike``: votes (Lemmy) and favourites (Mastodon) on posts.

A vote on a post in one of our groups is stored and announced to the group's FEP-1b12
followers (microblogs do not show others' votes). Banned people may not vote.
"""

from __future__ import annotations

from community.actors import find_actor_by_id
from community.context import AppContext
from community.membership import is_banned
from community.notifications import notify
from community.posts import find_post
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of
from inbox.errors import Refused, Transient
from inbox.handlers.common import ensure_actor
from inbox.model import Received
from outbox.redistribute import announce_wrapped

QC = load_queries("community")


async def handle(ctx: AppContext, rx: Received) -> str:
    object_uri = id_of(rx.object)
    voter = await ensure_actor(ctx, rx.actor_uri)
    async with ctx.pool.acquire() as conn, conn.transaction():
        post = await find_post(conn, object_uri or "")
        if post is None and rx.attempts < 3:
            # the post may be on its way (another worker, another order): look again later
            raise Transient("a vote on a post we do not have (yet)")
        if post is None or post.deleted_at is not None:
            raise Refused("a vote on a post we do not have")
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        if group is not None and group.local and await is_banned(conn, group, voter):
            raise Refused("banned from the group")
        await conn.execute(QC["upsert_vote"], voter.id, post.id, rx.activity_type, rx.activity_uri)
        if rx.activity_type == "Like":
            await notify(conn, post.author_id, "favourite", voter.id, post.id)
        if group is not None and group.local and rx.via_group_uri is None:
            await announce_wrapped(conn, ctx.urls, group, rx.body)
    return f"{rx.activity_type.lower()} recorded"
