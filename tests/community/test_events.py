"""Live events: published inside the writer's transaction, heard by every listener on commit
and never after a rollback; ids only, a few dozen bytes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from community.accounts import create_user
from community.events import (
    Event,
    Listener,
    new_entry,
    person_barred,
    publish,
    token_revoked,
)
from community.notifications import notify
from community.storage.database import create_pool
from community.urls import Urls
from outbox.actions import publish as post

URLS = Urls("https://social.test")


@pytest.fixture
async def heard(database_url: str) -> AsyncIterator[list[Event]]:
    """What a listener on another connection (as a web process would) hears."""
    pool = await create_pool(database_url, max_size=2)
    events: list[Event] = []
    stop = asyncio.Event()
    listener = Listener(pool, events.append)
    task = asyncio.create_task(listener.run(stop))
    await asyncio.wait_for(listener.listening.wait(), 10)
    yield events
    stop.set()
    await task
    await pool.close()


async def settle(events: list[Event], count: int) -> list[Event]:
    for _ in range(100):
        if len(events) >= count:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    return events


def test_an_event_is_ids_only_and_reads_back() -> None:
    event = new_entry(12345678, 12345690, 77)
    assert Event.decode(event.encode()) == event
    assert len(event.encode()) < 80
    note = Event("notification", notification_id=9, recipient_id=3)
    assert Event.decode(note.encode()) == note
    for revoked in (token_revoked(5), person_barred(6)):
        assert Event.decode(revoked.encode()) == revoked
    for garbage in ("", "{}", "[1]", '{"k": "nope"}', '{"k": "status", "p": "x"}'):
        assert Event.decode(garbage) is None


async def test_events_are_heard_on_commit_and_never_after_a_rollback(
    conn: asyncpg.Connection, heard: list[Event]
) -> None:
    async with conn.transaction():
        await publish(conn, new_entry(1))
        await asyncio.sleep(0.2)
        assert heard == []  # not before the commit
    assert await settle(heard, 1) == [new_entry(1)]
    with pytest.raises(RuntimeError):
        await publish_then_fail(conn, new_entry(2))
    assert await settle(heard, 2) == [new_entry(1)]


async def publish_then_fail(conn: asyncpg.Connection, event: Event) -> None:
    async with conn.transaction():
        await publish(conn, event)
        raise RuntimeError("the write fails")


async def test_storing_posts_and_notifications_publishes_them(
    conn: asyncpg.Connection, heard: list[Event]
) -> None:
    alice = await create_user(conn, URLS, "alice")
    bob = await create_user(conn, URLS, "bob")
    stored = await post(conn, URLS, alice, "hello")
    await notify(conn, bob.id, "favourite", alice.id, stored.id)
    await notify(conn, bob.id, "favourite", alice.id, stored.id)  # again: stored once
    await notify(conn, alice.id, "favourite", alice.id, stored.id)  # one's own: never
    events = await settle(heard, 2)
    assert [e.kind for e in events] == ["status", "notification"]
    assert (events[0].post_id, events[0].entry_id, events[0].sharer_id) == (
        stored.id,
        stored.id,
        None,
    )
    assert events[1].recipient_id == bob.id
