"""The double-knock: a host that refuses draft-cavage with 401 gets RFC 9421 next, and keeps it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from community.actors import get_local_key
from community.storage.database import create_pool
from federation.verify import verify_request
from outbox import Audience, Outgoing, send
from outbox.config import WorkerConfig
from outbox.worker import DeliveryWorker
from tests.federation.loopback import LoopbackServer, Received, Reply
from tests.outbox.support import follow, insert_remote_actor, make_group, note


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    opened = await create_pool(database_url)
    yield opened
    await opened.close()


@pytest.fixture
async def strict_host() -> AsyncIterator[LoopbackServer]:
    """A receiver that accepts RFC 9421 signatures only (it verifies them)."""
    server = LoopbackServer()
    await server.start()
    yield server
    await server.stop()


async def test_a_host_that_wants_rfc9421_gets_it_after_one_401(
    conn: asyncpg.Connection,
    pool: asyncpg.Pool,
    strict_host: LoopbackServer,
    worker_config: WorkerConfig,
) -> None:
    group = await make_group(conn)
    key = await get_local_key(conn, group)
    member = await insert_remote_actor(
        conn,
        strict_host.url("/users/m"),
        strict_host.url("/users/m/inbox"),
        strict_host.url("/inbox"),
    )
    await follow(conn, member, group)

    def answer(request: Received) -> Reply:
        if "signature-input" not in request.headers:
            return Reply(status=401)
        from federation.keys import load_public_key

        result = verify_request(
            "POST",
            strict_host.url(request.target),
            request.headers,
            request.body,
            load_public_key(key.public_key_pem),
            datetime.now(UTC),
        )
        return Reply(status=202 if result.ok else 401)

    strict_host.route("/inbox", answer)
    worker = DeliveryWorker(pool, worker_config)
    try:
        await send(conn, group, Outgoing.of(note(group, 1)), Audience(followers_of=group))
        await worker.run_once()
        first = await conn.fetchrow("SELECT * FROM deliveries")
        assert (first["state"], first["last_status"]) == ("queued", 401)
        await conn.execute("UPDATE deliveries SET next_attempt_at = now()")
        await worker.run_once()
        second = await conn.fetchrow("SELECT * FROM deliveries")
        assert (second["state"], second["last_status"]) == ("delivered", 202)
        host = await conn.fetchrow("SELECT * FROM delivery_hosts")
        assert host["signature_scheme"] == "rfc9421"

        # the next activity is signed the way the host wants from the start
        await send(conn, group, Outgoing.of(note(group, 2)), Audience(followers_of=group))
        await worker.run_once()
        states = [r["state"] for r in await conn.fetch("SELECT state FROM deliveries ORDER BY id")]
        assert states == ["delivered", "delivered"]
        assert [("signature-input" in r.headers) for r in strict_host.received] == [
            False,
            True,
            True,
        ]
    finally:
        worker.close()
