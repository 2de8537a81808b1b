"""What the admin sees of delivery and can do about it (`fediverse deliveries`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from community.storage.database import Conn
from community.storage.queries import load_queries
from outbox.errors import OutboxError

Q = load_queries("outbox")
#: `deliveries retry HOST` re-queues failed deliveries up to this old.
RETRY_DAYS = 7


@dataclass(frozen=True)
class HostStatus:
    host: str
    consecutive_failures: int
    paused_until: datetime | None
    failing_days: int
    unavailable_since: datetime | None
    last_error: str | None
    last_failure_at: datetime | None
    last_success_at: datetime | None
    queued: int


@dataclass(frozen=True)
class QueueStatus:
    queued: int
    due: int
    claimed: int
    oldest_pending: datetime | None
    delivered_last_minute: int
    delivered_last_hour: int
    given_up_last_day: int
    troubled_hosts: list[HostStatus]


async def read_queue_status(conn: Conn, *, host_limit: int = 50) -> QueueStatus:
    summary = await conn.fetchrow(Q["queue_summary"])
    assert summary is not None
    hosts = [HostStatus(**dict(r)) for r in await conn.fetch(Q["troubled_hosts"], host_limit)]
    return QueueStatus(**dict(summary), troubled_hosts=hosts)


async def retry_host(conn: Conn, host: str) -> int:
    """Clear ``host``'s breaker, failing days, unavailability and gone inboxes; re-queue its
    failed deliveries of the last week; return how many rows are now due."""
    host = host.strip().lower()
    if not host or "/" in host:
        raise OutboxError(f"{host!r} is not a host name (give host or host:port)")
    async with conn.transaction():
        await conn.execute(Q["reset_host"], host)
        await conn.execute(Q["forget_gone_inboxes"], host)
        status = await conn.execute(Q["requeue_host"], host, RETRY_DAYS)
        await conn.execute(Q["notify_deliveries"])
    return int(status.rsplit(" ", 1)[-1])
