"""Rate limits read as a sliding window: attempts just before a window's start still count."""

from __future__ import annotations

import asyncpg

from community.ratelimit import hit


async def test_a_limit_refuses_the_attempt_past_it(conn: asyncpg.Connection) -> None:
    verdicts = [await hit(conn, "sign_in:alice", 3, 300) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 300


async def test_attempts_of_the_window_before_still_count(conn: asyncpg.Connection) -> None:
    # three attempts in the hour-long window before the current one
    await conn.execute(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES"
        " ('k', to_timestamp(floor(extract(epoch FROM now()) / 3600) * 3600) - interval '1 hour',"
        " 3)"
    )
    elapsed = await conn.fetchval("SELECT extract(epoch FROM now())::bigint % 3600 / 3600.0")
    verdict = await hit(conn, "k", 3, 3600)
    # 1 now + 3 × (what of the window before still overlaps the last hour) > 3, unless almost
    # the whole hour has passed since
    assert verdict.allowed is (1 + 3 * (1 - float(elapsed)) <= 3)


async def test_keys_are_counted_apart(conn: asyncpg.Connection) -> None:
    assert (await hit(conn, "a", 1, 300)).allowed
    assert (await hit(conn, "b", 1, 300)).allowed
    assert not (await hit(conn, "a", 1, 300)).allowed
