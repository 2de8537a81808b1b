"""``Follow``: joining a group (or following a person) here.

An open group accepts at once with an ``Accept`` embedding the Follow; a closed group
(``manuallyApprovesFollowers``) keeps the request pending until a moderator approves or
rejects it (``fediverse group approve|reject``); a banned follower gets a ``Reject``.
"""

from __future__ import annotations

from community.actors import find_actor_by_uri
from community.context import AppContext
from community.membership import is_banned, record_follow, remove_follow
from community.notifications import notify
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Outcome, Received, Transaction
from inbox.relaying import follow_back
from outbox.actions import respond


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    target_uri = id_of(rx.object)
    async with ctx.pool.acquire() as reading:
        followee = await find_actor_by_uri(reading, target_uri) if target_uri else None
    if followee is None or not followee.local:
        raise Refused(f"{target_uri} is not a group or person here")
    if followee.deleted_at is not None:
        raise Refused(f"{followee.handle} was deleted")
    follower = await ensure_actor(ctx, rx.actor_uri)
    if followee.type == "Application":  # only a relay we subscribe to follows us back
        relayed = await follow_back(ctx, rx, tx, follower, followee)
        if relayed is None:
            raise Refused(f"{target_uri} is not a group or person here")
        return relayed
    if not follower.local and followee.is_group:
        await ctx.remote.software_of(follower.domain)  # which announce form they get
    conn = await tx.begin()
    if followee.is_group and await is_banned(conn, followee, follower):
        await remove_follow(conn, follower.id, followee.id)
        await respond(conn, ctx.urls, followee, "Reject", rx.json, follower)
        return Done("rejected: the follower is banned")
    accepted = not followee.manually_approves_followers
    follow = await record_follow(conn, follower, followee, rx.activity_uri, accepted=accepted)
    await notify(conn, followee.id, "follow" if follow.accepted else "follow_request", follower.id)
    if not follow.accepted:
        return Done("pending: waiting for a moderator")
    await respond(conn, ctx.urls, followee, "Accept", rx.json, follower)
    return Done("accepted")
