"""Delivery claims tied to a worker's lease: a dead worker's claims come back at once, a live
one's never, and no host gets more claims than its cap, whoever holds them."""

from __future__ import annotations

import asyncpg

from community.storage.database import connect
from outbox import Audience, Outgoing, send
from outbox.lease import take_lease
from outbox.queue import HostPolicy, claim, release_stale_claims
from tests.outbox.support import follow, insert_remote_actor, make_group, note

POLICY = HostPolicy(connections=4)
VISIBILITY = 120.0


async def queue_for_one_host(conn: asyncpg.Connection, inboxes: int) -> None:
    """One announce to ``inboxes`` followers on one host, each with an inbox of its own."""
    group = await make_group(conn)
    for n in range(inboxes):
        uri = f"https://slow.example/users/u{n}"
        await follow(conn, await insert_remote_actor(conn, uri, uri + "/inbox"), group)
    async with conn.transaction():
        await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group))


async def claimed_count(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM deliveries WHERE state = 'claimed'"))


async def test_a_dead_workers_claims_come_back_at_once(
    conn: asyncpg.Connection, database_url: str
) -> None:
    await queue_for_one_host(conn, 10)
    async with connect(database_url) as worker_conn:
        lease = await take_lease(worker_conn)
        held = await claim(conn, 100, POLICY, lease.worker_id)
        assert len(held) == 4, "never more than the host's cap"
        assert await release_stale_claims(conn, VISIBILITY) == 0, "a live worker keeps them"
        assert await claim(conn, 100, POLICY) == [], "the cap is full"
    # the worker's session ended (as when its process is killed): its lease is gone
    assert not lease.alive
    assert await release_stale_claims(conn, VISIBILITY) == 4
    assert await claimed_count(conn) == 0
    again = await claim(conn, 100, POLICY)
    assert len(again) == 4
    assert {c.id for c in again} == {c.id for c in held}, "the oldest rows first"


async def test_claims_without_a_lease_wait_for_the_visibility_timeout(
    conn: asyncpg.Connection,
) -> None:
    await queue_for_one_host(conn, 2)
    assert len(await claim(conn, 100, POLICY)) == 2
    assert await release_stale_claims(conn, VISIBILITY) == 0
    await conn.execute("UPDATE deliveries SET claimed_at = now() - interval '121 seconds'")
    assert await release_stale_claims(conn, VISIBILITY) == 2


async def test_leases_are_numbered_apart(database_url: str) -> None:
    async with connect(database_url) as one, connect(database_url) as two:
        first, second = await take_lease(one), await take_lease(two)
        assert first.worker_id != second.worker_id
        assert first.alive
        assert second.alive
