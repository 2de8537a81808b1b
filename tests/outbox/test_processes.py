"""Real `fediverse worker` processes: killed mid-batch, and two at once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import asyncpg
import pytest

from outbox import Audience, Outgoing, send
from tests.helpers import clean_env
from tests.helpers import start_worker as start_worker_process
from tests.outbox.support import BASE_URL, Sink, add_sink_followers, make_group, note

pytestmark = pytest.mark.slow


def start_worker(database_url: str, cwd: Path, **settings: str) -> subprocess.Popen[bytes]:
    env = clean_env(
        DATABASE_URL=database_url,
        FEDIVERSE_DOMAIN=BASE_URL.split("://", 1)[1],
        FEDIVERSE_ALLOW_PRIVATE_ADDRESSES="127.0.0.0/8",
        FEDIVERSE_DATA_DIR=str(cwd / "data"),
        **{f"FEDIVERSE_{k.upper()}": v for k, v in settings.items()},
    )
    return start_worker_process(env, cwd)


async def wait_for(conn: asyncpg.Connection, query: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not await conn.fetchval(query):
        assert time.monotonic() < deadline, f"timed out waiting for: {query}"
        await asyncio.sleep(0.05)


async def queue_posts(conn: asyncpg.Connection, sink: Sink, posts: int) -> set[tuple[str, str]]:
    group = await make_group(conn)
    await add_sink_followers(conn, group, sink, per_host=2)
    expected = set()
    for number in range(posts):
        activity = note(group, number)
        async with conn.transaction():
            await send(conn, group, Outgoing.of(activity), Audience(followers_of=group))
        expected |= {(sink.host(i), str(activity["id"])) for i in range(sink.instances)}
    return expected


async def test_a_worker_killed_mid_batch_loses_nothing(
    conn: asyncpg.Connection, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    # slow answers keep the first worker's batch in flight when it is killed
    sink.set_rules({sink.host(i): {"status": 202, "delay": 2} for i in range(sink.instances)})
    expected = await queue_posts(conn, sink, posts=5)
    first = start_worker(
        database_url, tmp_path, delivery_visibility_seconds="3", delivery_timeout_seconds="2.5"
    )
    try:
        await wait_for(conn, "SELECT count(*) >= 8 FROM deliveries WHERE state = 'claimed'")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert await conn.fetchval("SELECT count(*) FROM deliveries WHERE state = 'delivered'") == 0

    sink.set_rules({})
    second = start_worker(
        database_url, tmp_path, delivery_visibility_seconds="3", delivery_timeout_seconds="2.5"
    )
    try:
        await wait_for(conn, "SELECT bool_and(state = 'delivered') FROM deliveries", timeout=60)
    finally:
        second.terminate()
        assert second.wait(30) == 0
    received = {(r["host"], r["id"]) for r in sink.received()}
    assert received == expected  # every activity at every inbox (duplicates allowed)


async def test_two_live_workers_never_deliver_a_row_twice(
    conn: asyncpg.Connection, database_url: str, sink: Sink, tmp_path: Path
) -> None:
    expected = await queue_posts(conn, sink, posts=40)
    workers = [start_worker(database_url, tmp_path, delivery_batch_size="8") for _ in range(2)]
    try:
        await wait_for(conn, "SELECT bool_and(state = 'delivered') FROM deliveries", timeout=90)
    finally:
        for worker in workers:
            worker.terminate()
        codes = [worker.wait(30) for worker in workers]
    assert codes == [0, 0]
    counts = Counter((r["host"], r["id"]) for r in sink.received())
    assert set(counts) == expected
    assert max(counts.values()) == 1
    assert await conn.fetchval("SELECT max(attempts) FROM deliveries") == 1
