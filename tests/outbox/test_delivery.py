"""End to end through a real sink process: fan-out, run_once, what the receiver saw."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import orjson

from community.actors import get_local_key
from community.storage.database import create_pool
from federation.cavage import extract_signature, verify_cavage
from federation.headers import normalize_headers
from federation.keys import load_public_key
from outbox import Audience, Outgoing, send
from outbox.config import WorkerConfig
from outbox.worker import DeliveryWorker
from tests.outbox.support import Sink, add_sink_followers, make_group, note


async def test_one_post_reaches_each_shared_inbox_once_signed(
    conn: asyncpg.Connection, database_url: str, sink: Sink, worker_config: WorkerConfig
) -> None:
    group = await make_group(conn)
    await add_sink_followers(conn, group, sink, per_host=3)
    activity = note(group)
    async with conn.transaction():
        queued = await send(conn, group, Outgoing.of(activity), Audience(followers_of=group))
    assert queued == sink.instances

    pool = await create_pool(database_url)
    worker = DeliveryWorker(pool, worker_config)
    try:
        assert await worker.run_once() == sink.instances
        assert await worker.run_once() == 0
    finally:
        worker.close()
        await pool.close()

    received = sink.received()
    assert sorted(r["host"] for r in received) == sorted(sink.host(i) for i in range(4))
    key = await get_local_key(conn, group)
    for item in received:
        assert orjson.loads(item["body"]) == activity
        headers = normalize_headers(item["headers"])
        signature = extract_signature(headers)
        result = verify_cavage(
            signature,  # type: ignore[arg-type]
            "POST",
            item["path"],
            headers,
            item["body"].encode(),
            load_public_key(key.public_key_pem),
            datetime.now(UTC),
        )
        assert result.ok, result
    states = await conn.fetch("SELECT state, attempts, last_status FROM deliveries")
    assert {(r["state"], r["attempts"], r["last_status"]) for r in states} == {
        ("delivered", 1, 202)
    }
