"""What a person keeps out of their sight: blocks, mutes and blocks of whole servers.

Stored here; applied by every timeline, thread, notification list and stream through the SQL
function ``hides(viewer, actor, notifications)`` (migration 0012): a block either way, a live
mute, or a block of the actor's server. Sending the ``Block`` (and the unfollows a block
implies) is :mod:`outbox.blocks`'s part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from community.errors import InvalidInput
from community.policy import normalize_domain
from community.statuses import Page
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

MAX_MUTE_SECONDS = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class Block(Row):
    id: int
    actor_id: int
    target_id: int
    activity_uri: str | None
    created_at: datetime


async def record_block(conn: Conn, actor_id: int, target_id: int, activity_uri: str | None) -> bool:
    """Store a block; False when it existed already (then nothing changes)."""
    found = await conn.fetchval(Q["insert_block"], actor_id, target_id, activity_uri)
    return found is not None


async def remove_block(conn: Conn, actor_id: int, target_id: int) -> Block | None:
    """Forget a block; the one it was (for the ``Undo``), if any."""
    return await fetch_row(conn, Block, Q["delete_block"], actor_id, target_id)


async def find_block(conn: Conn, actor_id: int, target_id: int) -> Block | None:
    return await fetch_row(conn, Block, Q["get_block"], actor_id, target_id)


def mute_expiry(duration_seconds: int | None) -> datetime | None:
    """Mastodon's ``duration``: seconds from now, 0 or none for ever."""
    if not duration_seconds:
        return None
    if duration_seconds < 0 or duration_seconds > MAX_MUTE_SECONDS:
        raise InvalidInput("duration must be between 0 and ten years (in seconds)")
    return datetime.now(UTC) + timedelta(seconds=duration_seconds)


async def record_mute(
    conn: Conn,
    actor_id: int,
    target_id: int,
    *,
    notifications: bool = True,
    expires_at: datetime | None = None,
) -> None:
    """Mute (again: with these settings) an account."""
    if actor_id == target_id:
        raise InvalidInput("one cannot mute oneself")
    await conn.execute(Q["upsert_mute"], actor_id, target_id, notifications, expires_at)


async def remove_mute(conn: Conn, actor_id: int, target_id: int) -> None:
    await conn.execute(Q["delete_mute"], actor_id, target_id)


def account_domain(value: str) -> str:
    """A server's domain as its accounts carry it: ``Example.COM``, ``https://example.com/``
    → ``example.com``; a port is kept (``localhost:3000``), as in ``acct`` handles."""
    raw = value.strip()
    if "://" in raw:
        raw = raw.split("://", 1)[1]
    raw = raw.split("/", 1)[0].lower().rstrip(".")
    host, _, port = raw.partition(":") if raw.count(":") == 1 else (raw, "", "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise InvalidInput(f"{value!r} is not a domain name")
    normalized = normalize_domain(host)
    return f"{normalized}:{int(port)}" if port else normalized


async def block_domain(conn: Conn, actor_id: int, domain: str) -> bool:
    found = await conn.fetchval(Q["insert_account_domain_block"], actor_id, domain)
    return found is not None


async def unblock_domain(conn: Conn, actor_id: int, domain: str) -> None:
    await conn.execute(Q["delete_account_domain_block"], actor_id, domain)


async def blocked_ids(conn: Conn, actor_id: int, page: Page) -> list[tuple[int, int]]:
    """(cursor, account id) of the accounts a person blocks, newest first."""
    rows = await conn.fetch(Q["list_blocks"], actor_id, *page.keyset)
    return sorted(((r["id"], r["target_id"]) for r in rows), reverse=True)


@dataclass(frozen=True)
class Mute(Row):
    id: int
    target_id: int
    hide_notifications: bool
    expires_at: datetime | None


async def muted_ids(conn: Conn, actor_id: int, page: Page) -> list[Mute]:
    """The accounts a person mutes (live mutes), newest first (``id`` is the cursor)."""
    rows = await conn.fetch(Q["list_mutes"], actor_id, *page.keyset)
    return sorted((Mute.from_record(r) for r in rows), key=lambda m: m.id, reverse=True)


async def blocked_domains(conn: Conn, actor_id: int, page: Page) -> list[tuple[int, str]]:
    rows = await conn.fetch(Q["list_account_domain_blocks"], actor_id, *page.keyset)
    return sorted(((r["id"], r["domain"]) for r in rows), reverse=True)


async def hidden_among(conn: Conn, viewer_id: int, actor_ids: Iterable[int]) -> set[int]:
    """Those of ``actor_ids`` that ``viewer_id`` does not want to see."""
    wanted = sorted(set(actor_ids))
    if not viewer_id or not wanted:
        return set()
    return {r["id"] for r in await conn.fetch(Q["hidden_among"], viewer_id, wanted)}


async def viewers_hiding(
    conn: Conn, viewer_ids: Sequence[int], actor_ids: Sequence[int], *, notifications: bool
) -> set[int]:
    """Those of ``viewer_ids`` who do not want to see any of ``actor_ids`` (for streams)."""
    if not viewer_ids or not actor_ids:
        return set()
    query = Q["viewers_hiding"]
    rows = await conn.fetch(query, list(viewer_ids), list(set(actor_ids)), notifications)
    return {r["viewer_id"] for r in rows}


@dataclass(frozen=True)
class FollowAcross(Row):
    """A follow between a person and an account on a server they block."""

    follower_id: int
    followee_id: int
    state: str
    activity_uri: str | None


async def follows_with_domain(conn: Conn, actor_id: int, domain: str) -> list[FollowAcross]:
    """The follows, either way, between a person and the accounts of ``domain``."""
    rows = await conn.fetch(Q["local_follows_with_domain"], actor_id, domain)
    return [FollowAcross.from_record(r) for r in rows]
