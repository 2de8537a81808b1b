"""Rate limits shared by every process: window counters in PostgreSQL, read as a sliding window.

A hit counts in the current fixed window; the verdict weighs the window before by how much of it
still overlaps the last ``window_seconds`` (the sliding-window approximation Cloudflare and
nginx's ``limit_req`` family use), so that attempts straddling a window's start are not
forgiven: a fixed window alone lets twice the limit through at its edges.
"""

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
    """Count one attempt under ``key``; refused once more than ``limit`` fall in the last
    ``window_seconds`` (the window before weighted by its overlap)."""
    record = await conn.fetchrow(Q["hit_rate_limit"], key, window_seconds)
    assert record is not None
    if random.random() < 0.01:  # noqa: S311 – housekeeping, not security
        await conn.execute(Q["purge_rate_limits"])
    overlap = 1.0 - min(max(float(record["elapsed"]), 0.0), 1.0)
    recent = record["hits"] + record["previous_hits"] * overlap
    return Verdict(recent <= limit, max(int(record["retry_after"]), 1))
