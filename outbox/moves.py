"""Moves, as every surface asks for them: a community moving (a governance act), a move
arriving from elsewhere, and the new group letting in who followed the old one.

* :func:`move_group` fetches the new group fresh (its ``alsoKnownAs`` as it is now) and
  submits the ``move`` act (:mod:`outbox.governance.kinds.move`), which needs the quorum.
* :func:`follow_to_new` is what a ``Move`` that arrives does for our people: each of them
  who followed the old actor follows the new one and leaves the old one, as Mastodon's
  ``MoveWorker`` / ``UnfollowFollowWorker`` do (``app/workers/move_worker.rb``).
* :func:`admit_former_follower` accepts someone who followed the community where it was,
  even into a closed group, and marks it on the group's log.
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor, get_local_actor
from community.context import AppContext
from community.errors import InvalidInput
from community.modlog import Entry, append
from community.portability.moves import local_followers_of
from community.remote import InvalidActor
from community.storage.database import Conn
from community.urls import Urls
from federation.errors import FetchError
from outbox.actions import follow, unfollow
from outbox.activities import build_response
from outbox.activities.base import embedded
from outbox.errors import ActRefused
from outbox.governance import Act, Submitted, submit
from outbox.moderation import Moderator
from outbox.send import Audience, Outgoing, send


async def resolve_fresh(ctx: AppContext, ref: str) -> Actor:
    """The actor ``ref`` names (``@name@host``, a local name, or its id), fetched anew from
    its server: what it says of itself (``alsoKnownAs``) is as it is now."""
    try:
        if ref.startswith(("https://", "http://")):
            return await ctx.remote.get_actor(ref, refresh=not ctx.urls.is_local(ref))
        if "@" not in ref.lstrip("@"):
            async with ctx.pool.acquire() as conn:
                return await get_local_actor(conn, ref)
        found = await ctx.remote.resolve_handle(ref)
        return found if found.local else await ctx.remote.get_actor(found.uri, refresh=True)
    except (FetchError, InvalidActor) as exc:
        raise InvalidInput(f"cannot look up {ref}: {exc}") from None


async def move_group(
    ctx: AppContext, conn: Conn, who: Moderator, group: Actor, target_ref: str, reason: str = ""
) -> Submitted:
    """Move ``group`` to the community ``target_ref`` names (applied, or proposed to the
    other moderators); refused when that one does not list ``group`` in ``alsoKnownAs``."""
    target = await resolve_fresh(ctx, target_ref)
    if not target.is_group:
        raise ActRefused("invalid", f"{target.handle} is not a community")
    params = {"target": target.uri}
    act = Act(group, "move", who.actor, params, reason, by_admin=who.admin)
    return await submit(conn, ctx.urls, act)


async def follow_to_new(conn: Conn, urls: Urls, old: Actor, new: Actor) -> int:
    """Our people who followed ``old`` follow ``new`` and leave ``old``; how many."""
    moved = 0
    for follower in await local_followers_of(conn, old):
        if follower.id == new.id:
            continue
        await follow(conn, urls, follower, new)
        await unfollow(conn, urls, follower, old)
        moved += 1
    return moved


async def admit_former_follower(
    conn: Conn, urls: Urls, group: Actor, follower: Actor, follow_json: dict[str, Any], old: str
) -> None:
    """``group`` accepts ``follower``, who followed ``old`` before it moved here, and says so
    on its log (an entry whose item is the group's ``Accept``)."""
    accept = build_response(urls, group, "Accept", follow_json, follower.uri)
    await send(conn, group, Outgoing.of(accept), Audience(actors=(follower,), listed=False))
    reason = f"followed {old} before it moved here"
    item = {**embedded(accept), "summary": reason}
    await append(conn, Entry(group, "admit_former_follower", group, item, reason))
