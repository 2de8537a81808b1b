"""``Move``: an account moved; its memberships follow it when the new account agrees.

The new actor must list the old one in ``alsoKnownAs`` (as Mastodon checks), fetched fresh
from its origin.
"""

from __future__ import annotations

from community.actors import also_known_as
from community.context import AppContext
from community.membership import move_follows
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Outcome, Received, Transaction


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    if id_of(rx.object) != rx.actor_uri:
        raise Refused("an actor may move only itself")
    target_uri = id_of(rx.activity.target)
    if not target_uri:
        raise Refused("the Move has no target")
    old = await ensure_actor(ctx, rx.actor_uri)
    new = await ctx.remote.get_actor(target_uri, refresh=True)
    conn = await tx.begin()
    aliases = await also_known_as(conn, new.uri)
    if aliases is None or old.uri not in aliases:
        raise Refused("the new account does not name the old one in alsoKnownAs")
    await move_follows(conn, old, new)
    return Done(f"memberships moved to {new.handle}")
