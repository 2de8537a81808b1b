"""``Move``: an account or a community moved; what followed it here follows it there, when
the new actor agrees.

The new actor must list the old one in ``alsoKnownAs``, fetched fresh from its origin (as
Mastodon checks: ``app/lib/activitypub/activity/move.rb``). Then:

* the old actor is marked ``movedTo`` the new one;
* memberships move: the old account's follows of our groups become the new account's;
* our people who followed the old actor (a person, or a community they belonged to) follow
  the new one and leave the old one (Mastodon's ``MoveWorker``), each with a ``Follow`` of
  their own that the new actor answers.
"""

from __future__ import annotations

from community.actors import Actor, also_known_as
from community.context import AppContext
from community.membership import move_follows
from community.portability.moves import mark_moved
from community.remote import InvalidActor, authority_of
from federation.errors import FetchError
from federation.vocabulary.base import id_of
from inbox.errors import Refused, Transient
from inbox.handlers.common import PERMANENT_FETCH_ERRORS, ensure_actor
from inbox.model import Done, Outcome, Received, Transaction
from outbox.moves import follow_to_new


async def fresh_actor(ctx: AppContext, uri: str) -> Actor:
    """The Move's target as its server serves it now (ours as stored)."""
    if not await ctx.is_domain_allowed(authority_of(uri)):
        raise Refused(f"{authority_of(uri)} is blocked here")
    try:
        actor: Actor = await ctx.remote.get_actor(uri, refresh=not ctx.urls.is_local(uri))
    except PERMANENT_FETCH_ERRORS as exc:
        raise Refused(f"cannot use actor {uri}: {exc}") from None
    except InvalidActor as exc:
        raise Refused(str(exc)) from None
    except FetchError as exc:
        raise Transient(f"cannot fetch actor {uri}: {exc}") from None
    return actor


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    if id_of(rx.object) != rx.actor_uri:
        raise Refused("an actor may move only itself")
    target_uri = id_of(rx.activity.target)
    if not target_uri:
        raise Refused("the Move has no target")
    old = await ensure_actor(ctx, rx.actor_uri)
    new = await fresh_actor(ctx, target_uri)
    conn = await tx.begin()
    aliases = await also_known_as(conn, new.uri)
    if aliases is None or old.uri not in aliases:
        raise Refused("the new account does not name the old one in alsoKnownAs")
    if new.deleted_at is not None or new.id == old.id:
        raise Refused("the Move's target is gone or is the mover itself")
    old = await mark_moved(conn, old, new.uri)
    await move_follows(conn, old, new)
    followers = await follow_to_new(conn, ctx.urls, old, new)
    what = "community" if old.is_group else "account"
    return Done(f"{what} moved to {new.handle}: {followers} follower(s) here follow it there")
