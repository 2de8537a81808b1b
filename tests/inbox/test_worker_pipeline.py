"""Issue 11, class 8 (the worker): one slow item holds up only its own actor's later items.

The slow item is a ``Create`` whose object lives on a real loopback host that takes seconds to
answer; twenty other people's items queue up behind it. The pipelined worker claims again as
soon as it has room, so theirs are done while the slow one is still in hand; the same actor's
next item waits for it (order kept). CPU-bound work is on a thread: the event loop keeps
ticking while pathological HTML is sanitised, and an item over its time budget is recorded
``failed`` at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from community.context import AppContext
from community.groups import create_group
from community.posts import render_off_loop
from community.storage.database import connect
from community.urls import Urls
from federation.vocabulary import parse_object
from inbox.worker import InboxWorker, InboxWorkerSettings
from outbox.lease import take_lease
from tests.federation.loopback import LoopbackServer, Reply
from tests.inbox.hostile import loopback, loopback_settings, open_app
from tests.inbox.origin_hosts import BASE, GROUP, create, note, person, post_as
from tests.inbox.support import post_signed, remote_actor

SLOW_SECONDS = 4.0
OTHERS = 20


@pytest.fixture
async def app(database_url: str, tmp_path: Path, conn: asyncpg.Connection):
    await create_group(conn, Urls(BASE), "main")
    async for opened in open_app(loopback_settings(database_url, tmp_path / "data")):
        yield opened


@pytest.fixture
async def host() -> AsyncIterator[LoopbackServer]:
    server = await loopback()
    yield server
    await server.stop()


async def processed_at(conn: asyncpg.Connection, activity_uri: str) -> float | None:
    value = await conn.fetchval(
        "SELECT extract(epoch FROM processed_at) FROM inbox_items WHERE activity_uri = $1",
        activity_uri,
    )
    return None if value is None else float(value)


async def run_worker(
    ctx: AppContext, settings: InboxWorkerSettings
) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    return stop, asyncio.create_task(InboxWorker(ctx, settings).run(stop))


async def test_a_slow_item_holds_up_only_its_own_actors_later_items(
    app: tuple[httpx.AsyncClient, AppContext], host: LoopbackServer, conn: asyncpg.Connection
) -> None:
    client, ctx = app
    slow = person(host, "slow")
    body = Reply.json({**note(slow, "<p>slowly</p>"), "id": host.url("/notes/1")}).body
    host.route(
        "/notes/1",
        Reply(
            headers={"Content-Type": "application/activity+json"}, chunks=[body], delay=SLOW_SECONDS
        ),
    )
    await conn.execute(  # its server's software is known (no NodeInfo look-up)
        "INSERT INTO instances (domain, software_name, nodeinfo_fetched_at)"
        " VALUES ($1, 'lemmy', now())",
        host.base_url.split("://")[1],
    )
    first = create(slow, 1, host.url("/notes/1"))  # by reference: fetched from its origin
    await post_as(client, first, slow)
    later = {"id": f"{slow.uri}/follows/1", "type": "Follow", "actor": slow.uri, "object": GROUP}
    await post_as(client, later, slow)
    follows = []
    for n in range(OTHERS):  # people of other servers, known here already
        other = await remote_actor(conn, f"https://other{n}.example/users/p", software="lemmy")
        follows.append(f"{other.uri}/follows/{n}")
        follow = {"id": follows[-1], "type": "Follow", "actor": other.uri, "object": GROUP}
        assert (await post_signed(client, "/inbox", follow, other)).status_code == 202

    started = time.time()
    stop, task = await run_worker(ctx, InboxWorkerSettings(batch_size=8, concurrency=8))
    try:
        deadline = time.monotonic() + 30
        while await processed_at(conn, first["id"]) is None:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
    slow_done = await processed_at(conn, first["id"])
    assert slow_done is not None
    assert slow_done - started >= SLOW_SECONDS - 0.5
    others_done = [await processed_at(conn, uri) for uri in follows]
    assert all(t is not None for t in others_done)
    assert max(t for t in others_done if t is not None) < slow_done - 1, (
        "everyone else was done while the slow item was still in hand"
    )
    later_done = await processed_at(conn, later["id"])
    assert later_done is not None
    assert later_done >= slow_done, "one actor's items in order"


async def test_pathological_html_is_sanitised_off_the_event_loop() -> None:
    # within community.html's size cap (100,000 characters), far past its nesting bound
    nested = "<div>" * 8_000 + "x" + "</div>" * 8_000
    obj = parse_object({"id": "https://a.example/n/1", "type": "Note", "content": nested})
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    content, _title = await render_off_loop(obj)
    elapsed = time.monotonic() - started
    ticker.cancel()
    assert "x" in content
    # the loop ran its 10 ms ticks all along (at least half of them, on a busy machine)
    assert ticks >= elapsed / 0.01 / 2


async def test_an_item_over_its_time_budget_is_failed_not_retried(
    app: tuple[httpx.AsyncClient, AppContext], host: LoopbackServer, conn: asyncpg.Connection
) -> None:
    client, ctx = app
    slow = person(host, "slow")
    body = Reply.json({**note(slow, "<p>slowly</p>"), "id": host.url("/notes/1")}).body
    host.route(
        "/notes/1",
        Reply(headers={"Content-Type": "application/activity+json"}, chunks=[body], delay=5),
    )
    await post_as(client, create(slow, 1, host.url("/notes/1")), slow)
    started = time.monotonic()
    await InboxWorker(ctx, InboxWorkerSettings(processing_timeout=1)).run_once()
    assert time.monotonic() - started < 3
    row = await conn.fetchrow("SELECT state, error FROM inbox_items")
    assert row["state"] == "failed"
    assert row["error"] == "over the time budget of one item (1 s)"


async def test_a_dead_workers_items_come_back_at_once_and_in_order(
    app: tuple[httpx.AsyncClient, AppContext], conn: asyncpg.Connection, database_url: str
) -> None:
    client, ctx = app
    people = [
        await remote_actor(conn, f"https://p{n}.example/users/p", software="lemmy")
        for n in range(2)
    ]
    for n in range(2):  # two Follows each (the second one a repeat: answered again)
        for who in people:
            follow = {"id": f"{who.uri}/follows/{n}", "type": "Follow", "actor": who.uri}
            sent = await post_signed(client, "/inbox", {**follow, "object": GROUP}, who)
            assert sent.status_code == 202
    first = f"{people[0].uri}/follows/0"
    async with connect(database_url) as other_worker:
        lease = await take_lease(other_worker)
        await conn.execute(  # the other worker holds p0's first item
            "UPDATE inbox_items SET state = 'processing', claimed_at = now(), claimed_by = $2,"
            " attempts = 1 WHERE activity_uri = $1",
            first,
            lease.worker_id,
        )
        assert await InboxWorker(ctx).run_until_idle() == 2, "p1's items; p0's wait their turn"
        assert await processed_at(conn, f"{people[0].uri}/follows/1") is None
    # the other worker's session ended (its process was killed): its lease is gone
    assert await InboxWorker(ctx).run_until_idle() == 2
    assert (await processed_at(conn, first) or 0) <= (
        await processed_at(conn, f"{people[0].uri}/follows/1") or 0
    )
    assert (
        await conn.fetchval("SELECT attempts FROM inbox_items WHERE activity_uri = $1", first) == 2
    )
