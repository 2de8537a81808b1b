"""``Move``: an account moved; its memberships follow it when the new account agrees.

The new actor must list the old one in ``alsoKnownAs`` (as Mastodon checks), fetched fresh
from its origin.
"""

from __future__ import annotations

from community.context import AppContext
from community.membership import move_follows
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Received

QC = load_queries("community")


async def handle(ctx: AppContext, rx: Received) -> str:
    if id_of(rx.object) != rx.actor_uri:
        raise Refused("an actor may move only itself")
    target_uri = id_of(rx.activity.get("target"))
    if not target_uri:
        raise Refused("the Move has no target")
    old = await ensure_actor(ctx, rx.actor_uri)
    new = await ctx.remote.get_actor(target_uri, refresh=True)
    async with ctx.pool.acquire() as conn:
        record = await conn.fetchrow(QC["get_actor_by_uri"], new.uri)
    if record is None or old.uri not in (record["also_known_as"] or []):
        raise Refused("the new account does not name the old one in alsoKnownAs")
    async with ctx.pool.acquire() as conn, conn.transaction():
        await move_follows(conn, old, new)
    return f"memberships moved to {new.handle}"
