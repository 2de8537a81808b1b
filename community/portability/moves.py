"""What a move leaves in the core: where an actor went (``movedTo``), the ids it also had
(``alsoKnownAs``), and who followed a community before it moved (its archive's followers).

A moved group takes no new posts or members (:func:`community.membership.moved_notice` is the
reason its refusals give, naming the new address). Its followers collection stays readable for
:data:`FOLLOWERS_READABLE_DAYS` days: Lemmy-family software ignores actor moves, and its people
find the new address on the pinned thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from community.actors import Actor
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import fetch_row

Q = load_queries("community")

FOLLOWERS_READABLE_DAYS = 90


async def mark_moved(conn: Conn, actor: Actor, target_uri: str) -> Actor:
    """``actor`` moved to ``target_uri`` (a first move's time is kept); the actor as it is."""
    moved = await fetch_row(conn, Actor, Q["mark_moved"], actor.id, target_uri)
    return moved or actor


def followers_gone(actor: Actor, now: datetime | None = None) -> bool:
    """Whether a moved actor's followers collection is past its readable days."""
    if actor.moved_at is None:
        return False
    limit = timedelta(days=FOLLOWERS_READABLE_DAYS)
    return (now or datetime.now(UTC)) - actor.moved_at > limit


async def set_also_known_as(conn: Conn, actor: Actor, uris: Sequence[str]) -> Actor:
    """Replace ``actor``'s other ids (duplicates and its own id dropped)."""
    kept = list(dict.fromkeys(u for u in uris if u != actor.uri))
    if kept == list(actor.also_known_as):
        return actor
    changed = await fetch_row(conn, Actor, Q["set_also_known_as"], actor.id, kept)
    return changed or actor


async def add_also_known_as(conn: Conn, actor: Actor, uris: Sequence[str]) -> Actor:
    """Add ids ``actor`` also had, after those it lists (unchanged when all are known)."""
    return await set_also_known_as(conn, actor, [*actor.also_known_as, *uris])


async def record_former_follower(
    conn: Conn, group: Actor, actor_uri: str, from_uri: str, since: datetime | None
) -> bool:
    """``actor_uri`` followed ``from_uri`` before it came here as ``group``; whether new."""
    values = (group.id, actor_uri, from_uri, since)
    return await conn.fetchval(Q["insert_former_follower"], *values) is not None


async def former_group_of(conn: Conn, group: Actor, follower: Actor) -> str | None:
    """The group ``follower`` followed before it came here as ``group`` (None: they did not)."""
    from_uri: str | None = await conn.fetchval(Q["former_follower_of"], group.id, follower.uri)
    if from_uri is None or from_uri not in group.also_known_as:
        return None
    return from_uri


async def local_followers_of(conn: Conn, actor: Actor) -> list[Actor]:
    """Our own actors who follow ``actor`` (accepted, or waiting for an answer)."""
    return [Actor.from_record(r) for r in await conn.fetch(Q["local_followers_of"], actor.id)]
