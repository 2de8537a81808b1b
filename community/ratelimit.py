"""Rate limits shared by every process: fixed-window counters in PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import dataclass

from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


async def hit(conn: Conn, key: str, limit: int, window_seconds: int) -> Verdict:
    """Count one attempt under ``key``; refused once more than ``limit`` fall in a window."""
    record = await conn.fetchrow(Q["hit_rate_limit"], key, window_seconds)
    assert record is not None
    if random.random() < 0.01:  # noqa: S311 – housekeeping, not security
        await conn.execute(Q["purge_rate_limits"])
    return Verdict(record["hits"] <= limit, max(int(record["retry_after"]), 1))
