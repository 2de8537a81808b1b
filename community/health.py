"""What the server is doing, as figures: the one source of `/readyz`, `fediverse status` and the
Prometheus gauges.

The seam for other packages: every figure comes from a function here taking a connection.
Figures whose tables do not exist yet (a database that was never migrated) come back as
``None`` and are shown as "not available", never as zero.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from community.storage.database import Conn, DatabaseError
from community.storage.migrations import pending_migrations
from community.storage.queries import load_queries

log = logging.getLogger(__name__)
Q = load_queries("community")

INBOX_STATES = ("received", "processing", "processed", "ignored", "failed")
# The shape a query can fail with when a table is older or newer than health.sql expects.


@dataclass(frozen=True)
class QueueFigures:
    """Items of one queue by state, and how long the oldest waiting one has waited."""

    by_state: dict[str, int]
    oldest_age_seconds: float | None

    def count(self, state: str) -> int:
        return self.by_state.get(state, 0)


@dataclass(frozen=True)
class HostFigures:
    """Remote hosts we currently hold deliveries back from."""

    paused: int
    unavailable: int


@dataclass(frozen=True)
class HealthReport:
    """Everything an admin wants at a glance; ``ready`` says whether to send traffic here."""

    database_reachable: bool
    # why the database is unreachable or unusable (e.g. newer than this code)
    database_error: str | None = None
    migrations_pending: int = 0
    inbox: QueueFigures | None = None
    deliveries: QueueFigures | None = None
    hosts: HostFigures | None = None
    domain_rules: dict[str, int] | None = field(default=None)

    @property
    def ready(self) -> bool:
        return (
            self.database_reachable and self.database_error is None and self.migrations_pending == 0
        )

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, **asdict(self)}


def unreachable(reason: str) -> HealthReport:
    return HealthReport(database_reachable=False, database_error=reason)


async def relation_exists(conn: Conn, name: str) -> bool:
    return bool(await conn.fetchval(Q["relation_exists"], name))


async def _queue_figures(conn: Conn, by_state: str, oldest: str) -> QueueFigures:
    rows = await conn.fetch(Q[by_state])
    age = await conn.fetchval(Q[oldest])
    return QueueFigures({row["state"]: row["items"] for row in rows}, age)


async def inbox_queue_figures(conn: Conn) -> QueueFigures | None:
    """The inbox queue (``inbox_items``) by state; ``None`` before migration 0002."""
    if not await relation_exists(conn, "inbox_items"):
        return None
    return await _queue_figures(conn, "inbox_queue_by_state", "inbox_queue_oldest_age")


async def delivery_queue_figures(conn: Conn) -> QueueFigures | None:
    """The delivery queue (``deliveries``) by state; ``None`` before migration 0003."""
    if not await relation_exists(conn, "deliveries"):
        return None
    return await _queue_figures(conn, "delivery_queue_by_state", "delivery_queue_oldest_age")


async def host_figures(conn: Conn) -> HostFigures | None:
    """Hosts paused (circuit open) or unavailable; ``None`` before migration 0003."""
    if not await relation_exists(conn, "delivery_hosts"):
        return None
    row = await conn.fetchrow(Q["host_states"])
    assert row is not None
    return HostFigures(paused=row["paused"], unavailable=row["unavailable"])


async def domain_rule_counts(conn: Conn) -> dict[str, int] | None:
    """Domain rules by kind (``block``, ``allow``); ``None`` before their migration."""
    if not await relation_exists(conn, "domain_rules"):
        return None
    counts = {"block": 0, "allow": 0}
    counts.update(
        {row["kind"]: row["rules"] for row in await conn.fetch(Q["domain_rules_by_kind"])}
    )
    return counts


async def collect_health(conn: Conn) -> HealthReport:
    """All figures, read through one connection (which proves the database reachable)."""
    try:
        pending = len(await pending_migrations(conn))
    except DatabaseError as exc:  # the database is newer than this code
        return HealthReport(database_reachable=True, database_error=str(exc))
    return HealthReport(
        database_reachable=True,
        migrations_pending=pending,
        inbox=await inbox_queue_figures(conn),
        deliveries=await delivery_queue_figures(conn),
        hosts=await host_figures(conn),
        domain_rules=await domain_rule_counts(conn),
    )
