"""The transactional outbox: what one send stores, and what a rollback leaves."""

from __future__ import annotations

import asyncpg
import pytest

from outbox import Audience, Outgoing, mark_host_alive, send
from outbox.errors import OutboxError
from tests.outbox.support import (
    BASE_URL,
    follow,
    insert_remote_actor,
    make_group,
    make_person,
    note,
)


async def _world(conn: asyncpg.Connection):  # type: ignore[no-untyped-def]
    group = await make_group(conn)
    # two people on one instance with a shared inbox, one without, one on another instance
    for name in ("a", "b"):
        actor = await insert_remote_actor(
            conn,
            f"https://one.example/users/{name}",
            f"https://one.example/users/{name}/inbox",
            "https://one.example/inbox",
        )
        await follow(conn, actor, group)
    lonely = await insert_remote_actor(
        conn, "https://two.example/users/c", "https://two.example/users/c/inbox"
    )
    await follow(conn, lonely, group)
    # a remote-looking actor on our own host, and a local member
    ours = await insert_remote_actor(
        conn, f"{BASE_URL}/users/ghost", f"{BASE_URL}/users/ghost/inbox", f"{BASE_URL}/inbox"
    )
    await follow(conn, ours, group)
    member = await make_person(conn, "alice")
    await follow(conn, member, group)
    return group


async def test_fanout_goes_to_distinct_inboxes_shared_first(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    queued = await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group))
    rows = await conn.fetch("SELECT inbox_uri, host, state FROM deliveries ORDER BY inbox_uri")
    assert [(r["inbox_uri"], r["host"], r["state"]) for r in rows] == [
        ("https://one.example/inbox", "one.example", "queued"),
        ("https://two.example/users/c/inbox", "two.example", "queued"),
    ]
    assert queued == 2
    stored = await conn.fetchrow("SELECT * FROM activities")
    assert stored["uri"] == note(group)["id"]
    assert stored["public"] is True
    assert stored["object_uri"] == note(group)["object"]


async def test_local_recipients_get_one_inbox_item(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group))
    await send(
        conn, group, Outgoing.of(note(group)), Audience(followers_of=group)
    )  # same id: idempotent
    items = await conn.fetch("SELECT activity_uri, verified_by, actor_uri FROM inbox_items")
    assert [tuple(i) for i in items] == [(note(group)["id"], "local", group.uri)]
    assert await conn.fetchval("SELECT count(*) FROM deliveries") == 2


async def test_rollback_sends_nothing(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    transaction = conn.transaction()
    await transaction.start()
    assert await send(conn, group, Outgoing.of(note(group)), Audience(followers_of=group)) == 2
    await transaction.rollback()  # the change that caused it failed
    for table in ("activities", "deliveries", "inbox_items"):
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0


async def test_actors_and_inboxes_and_raw_bodies(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    body = '{"id": "https://social.test/activities/raw", "type": "Announce",  "x": 1}'
    audience = Audience(
        actors=("https://two.example/users/c", "https://unknown.example/users/z"),
        inboxes=("https://three.example/inbox", "https://one.example/inbox"),
    )
    queued = await send(conn, group, Outgoing.exact(body), audience)
    assert queued == 3
    assert await conn.fetchval("SELECT body FROM activities") == body  # byte-exact
    assert await conn.fetchval("SELECT public FROM activities") is False


async def test_unavailable_hosts_and_gone_inboxes_are_left_out(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    await conn.execute(
        "INSERT INTO delivery_hosts (host, unavailable_since, failing_days) "
        "VALUES ('one.example', now(), 7)"
    )
    await conn.execute(
        "INSERT INTO delivery_gone_inboxes (inbox_uri, host) "
        "VALUES ('https://two.example/users/c/inbox', 'two.example')"
    )
    assert await send(conn, group, Outgoing.of(note(group, 1)), Audience(followers_of=group)) == 0
    await mark_host_alive(conn, "One.Example")
    assert await send(conn, group, Outgoing.of(note(group, 2)), Audience(followers_of=group)) == 1
    host = await conn.fetchrow("SELECT * FROM delivery_hosts")
    assert host["unavailable_since"] is None
    assert host["failing_days"] == 0


async def test_refuses_what_is_not_ours_or_not_an_activity(conn: asyncpg.Connection) -> None:
    group = await _world(conn)
    stranger = await insert_remote_actor(conn, "https://x.example/u", "https://x.example/i")
    with pytest.raises(OutboxError, match="only our own actors"):
        await send(conn, stranger, Outgoing.of(note(group)), Audience())
    with pytest.raises(OutboxError, match="no 'id'"):
        await send(conn, group, Outgoing.of({"type": "Note"}), Audience())
    with pytest.raises(OutboxError, match="not JSON"):
        await send(conn, group, Outgoing.exact("{nope"), Audience())
