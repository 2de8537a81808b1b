"""``Follow``: joining a group (or following a person) here.

An open group accepts at once with an ``Accept`` embedding the Follow; a closed group
(``manuallyApprovesFollowers``) keeps the request pending until a moderator approves or
rejects it (``fediverse group approve|reject``); a banned follower gets a ``Reject``, and so
does anyone who asks to join a community that moved (the reason names its new address). A
closed group lets in at once who followed it on the server it moved from (its archive's
followers), and says so on its log.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_uri
from community.context import AppContext
from community.membership import (
    find_follow,
    is_banned,
    moved_notice,
    record_follow,
    remove_follow,
)
from community.notifications import notify
from community.portability.moves import former_group_of
from community.storage.database import Conn
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Outcome, Received, Transaction
from inbox.relaying import follow_back
from outbox.actions import respond
from outbox.moves import admit_former_follower


async def after_a_move(
    conn: Conn, ctx: AppContext, rx: Received, follower: Actor, followee: Actor
) -> Done | None:
    """A community that moved refuses new members, naming its new address; a closed one
    that moved here lets in who followed it where it was (None: neither applies)."""
    moved = await moved_notice(conn, followee)
    if moved is not None:
        await respond(conn, ctx.urls, followee, "Reject", rx.json, follower, moved)
        return Done(f"rejected: {moved}")
    if not (followee.is_group and followee.manually_approves_followers):
        return None
    old = await former_group_of(conn, followee, follower)
    existing = await find_follow(conn, follower.id, followee.id)
    if old is None or (existing is not None and existing.accepted):
        return None
    await record_follow(conn, follower, followee, rx.activity_uri, accepted=True)
    await notify(conn, followee.id, "follow", follower.id)
    await admit_former_follower(conn, ctx.urls, followee, follower, rx.json, old)
    return Done(f"accepted: followed {old} before it moved here")


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
    moved = await after_a_move(conn, ctx, rx, follower, followee)
    if moved is not None:
        return moved
    accepted = not followee.manually_approves_followers
    follow = await record_follow(conn, follower, followee, rx.activity_uri, accepted=accepted)
    await notify(conn, followee.id, "follow" if follow.accepted else "follow_request", follower.id)
    if not follow.accepted:
        return Done("pending: waiting for a moderator")
    await respond(conn, ctx.urls, followee, "Accept", rx.json, follower)
    return Done("accepted")
