"""How the worker treats what receivers answer: a real sink process, the worker stepped by hand."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest

from community.actors import Actor
from community.storage.database import create_pool
from outbox import Audience, Outgoing, send
from outbox.config import WorkerConfig
from outbox.worker import DeliveryWorker
from tests.outbox.support import Sink, add_sink_followers, make_group, note


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    opened = await create_pool(database_url)
    yield opened
    await opened.close()


@pytest.fixture
async def group(conn: asyncpg.Connection, sink: Sink) -> Actor:
    made = await make_group(conn)
    await add_sink_followers(conn, made, sink)
    return made


async def _rows(conn: asyncpg.Connection) -> dict[str, asyncpg.Record]:
    rows = await conn.fetch("SELECT * FROM deliveries ORDER BY id")
    return {r["host"]: r for r in rows}


async def _host(conn: asyncpg.Connection, host: str) -> asyncpg.Record:
    return await conn.fetchrow("SELECT * FROM delivery_hosts WHERE host = $1", host)


async def _make_due(conn: asyncpg.Connection) -> None:
    await conn.execute("UPDATE deliveries SET next_attempt_at = now() WHERE state = 'queued'")


async def test_each_answer_is_handled_by_policy(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sink: Sink,
    group: Actor,
    worker_config: WorkerConfig,
) -> None:
    sink.set_rules(
        {
            sink.host(1): {"status": 503, "retry_after": "120"},
            sink.host(2): {"status": 410},
            sink.host(3): {"status": 422},
        }
    )
    await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group))
    worker = DeliveryWorker(pool, worker_config)
    try:
        assert await worker.run_once() == 4
    finally:
        worker.close()
    rows = await _rows(conn)
    assert rows[sink.host(0)]["state"] == "delivered"

    retried = rows[sink.host(1)]
    assert (retried["state"], retried["last_status"]) == ("queued", 503)
    wait = (retried["next_attempt_at"] - retried["created_at"]).total_seconds()
    assert 110 < wait < 130  # Retry-After, not the 15 s back-off
    paused = await _host(conn, sink.host(1))
    assert paused["paused_until"] is not None
    assert paused["consecutive_failures"] == 1
    assert "sink rule" in retried["response_excerpt"]

    gone = rows[sink.host(2)]
    assert (gone["state"], gone["last_status"]) == ("rejected", 410)
    assert await conn.fetchval("SELECT inbox_uri FROM delivery_gone_inboxes") == sink.inbox(2)
    assert await send(conn, group, Outgoing.of(note(group, 2)), Audience(followers_of=group)) == 3

    refused = rows[sink.host(3)]
    assert (refused["state"], refused["last_status"]) == ("rejected", 422)
    assert refused["finished_at"] is not None


async def test_timeouts_retry_with_backoff(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sink: Sink,
    group: Actor,
    worker_config: WorkerConfig,
) -> None:
    sink.set_rules({sink.host(0): {"status": 202, "delay": 3}})
    await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group))
    worker = DeliveryWorker(pool, dataclasses.replace(worker_config, timeout_seconds=0.5))
    try:
        await worker.run_once()
    finally:
        worker.close()
    row = (await _rows(conn))[sink.host(0)]
    assert row["state"] == "queued"
    assert row["last_status"] is None
    assert row["last_error"].startswith("timeout")
    wait = (row["next_attempt_at"] - row["created_at"]).total_seconds()
    assert 14 < wait < 30
    assert (await _host(conn, sink.host(0)))["consecutive_failures"] == 1
    others = [r["state"] for h, r in (await _rows(conn)).items() if h != sink.host(0)]
    assert others == ["delivered"] * 3  # one slow host did not hold the others back


async def test_breaker_pauses_a_failing_host_and_it_recovers(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sink: Sink,
    group: Actor,
    worker_config: WorkerConfig,
) -> None:
    host = sink.host(0)
    sink.set_rules({host: {"status": 500}})
    for number in range(3):
        await send(
            conn, group, Outgoing.of(note(group, number)), Audience(inboxes=(sink.inbox(0),))
        )
    worker = DeliveryWorker(pool, worker_config)  # breaker after 3 failures, 0.5 s pause
    try:
        assert await worker.run_once() == 3
        state = await _host(conn, host)
        assert state["consecutive_failures"] == 3
        assert state["paused_until"] is not None
        await _make_due(conn)
        assert await worker.run_once() == 0  # paused: nothing claimed

        sink.set_rules({})  # the host comes back
        await asyncio.sleep(0.7)
        assert await worker.run_once() == 1  # half-open: one probe
        state = await _host(conn, host)
        assert (state["consecutive_failures"], state["paused_until"]) == (0, None)
        assert await worker.run_once() == 2
    finally:
        worker.close()
    states = await conn.fetch("SELECT state, attempts FROM deliveries")
    assert sorted(tuple(r) for r in states) == [("delivered", 2)] * 3


async def test_failing_on_enough_days_makes_a_host_unavailable(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sink: Sink,
    group: Actor,
    worker_config: WorkerConfig,
) -> None:
    host = sink.host(0)
    sink.set_rules({host: {"status": 502}})
    await conn.execute(
        "INSERT INTO delivery_hosts (host, failing_days, last_failure_day) "
        "VALUES ($1, 6, current_date - 1)",
        host,
    )
    for number in range(2):
        await send(
            conn, group, Outgoing.of(note(group, number)), Audience(inboxes=(sink.inbox(0),))
        )
    await conn.execute(
        "UPDATE deliveries SET next_attempt_at = now() + interval '1 hour' "
        "WHERE activity_id = (SELECT max(id) FROM activities)"
    )
    worker = DeliveryWorker(pool, worker_config)
    try:
        assert await worker.run_once() == 1
    finally:
        worker.close()
    state = await _host(conn, host)
    assert state["failing_days"] == 7
    assert state["unavailable_since"] is not None
    assert await conn.fetchval("SELECT array_agg(state ORDER BY id) FROM deliveries") == [
        "failed",
        "failed",
    ]  # everything queued for it is given up, the retry too
    assert (
        await send(conn, group, Outgoing.of(note(group, 9)), Audience(inboxes=(sink.inbox(0),)))
        == 0
    )


async def test_private_addresses_are_refused_unless_allowed(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    sink: Sink,
    group: Actor,
    worker_config: WorkerConfig,
) -> None:
    await send(conn, group, Outgoing.of(note(group)), Audience(inboxes=(sink.inbox(0),)))
    worker = DeliveryWorker(pool, dataclasses.replace(worker_config, allow_list=()))
    try:
        assert await worker.run_once() == 1
    finally:
        worker.close()
    row = (await _rows(conn))[sink.host(0)]
    assert row["state"] == "rejected"
    assert "refused address" in row["last_error"]
    assert sink.received() == []
