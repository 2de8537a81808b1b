"""The group sends what an applied act calls for (a :class:`~outbox.governance.Distribution`).

Called by :func:`outbox.governance.submit` and :func:`outbox.governance.vote` for acts decided
here, and by the inbox's dispatch for acts that came from a moderator's own server (dispatch is
the one place that re-shares what was received): one function, whoever decided.
"""

from __future__ import annotations

from community.actors import Actor
from community.storage.database import Conn
from community.urls import Urls
from outbox.governance.model import Applied
from outbox.redistribute import announce_boost, announce_joined, announce_wrapped, undo_boost
from outbox.send import send


async def distribute(conn: Conn, urls: Urls, group: Actor, applied: Applied) -> None:
    """Announce the act to FEP-1b12 followers, (un)boost for microblogs, send the rest, and
    announce the replies that joined with an approved post."""
    plan = applied.distribution
    if plan.wrap:
        wrapped = applied.wrapped
        await announce_wrapped(conn, urls, group, wrapped.body, wrapped.uri)
    for object_uri in plan.boost:
        await announce_boost(conn, urls, group, object_uri)
    for object_uri in plan.unboost:
        await undo_boost(conn, urls, group, object_uri)
    for outgoing, audience in plan.sends:
        await send(conn, group, outgoing, audience)
    await announce_joined(conn, urls, group, plan.joined)
