"""Issue 11, classes 4 and 7: a post is its author's, and one post.

V's and A's servers are real HTTP servers on 127.0.0.1 (each port its own origin); M is a
second person on V's server. After V's post has gone through the group, A (and M) try to
re-publish it as their own, embedded or by reference, and V sends a second ``Create`` of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from inbox.worker import InboxWorker
from tests.federation.loopback import LoopbackServer
from tests.inbox.hostile import loopback, loopback_settings, open_app
from tests.inbox.origin_hosts import BASE, GROUP, create, note, person, post_as


@pytest.fixture
async def app(database_url: str, tmp_path: Path, conn: asyncpg.Connection):
    await create_group(conn, Urls(BASE), "main")
    async for opened in open_app(loopback_settings(database_url, tmp_path / "data")):
        yield opened


@pytest.fixture
async def hosts() -> AsyncIterator[tuple[LoopbackServer, LoopbackServer]]:
    host_v, host_a = await loopback(), await loopback()
    yield host_v, host_a
    await host_v.stop()
    await host_a.stop()


async def step(ctx: AppContext) -> None:
    await InboxWorker(ctx).run_until_idle()


@pytest.fixture
async def world(app: tuple[httpx.AsyncClient, AppContext], hosts) -> SimpleNamespace:
    """V, A and M are members; V's post has gone through the group."""
    client, ctx = app
    host_v, host_a = hosts
    v, a, m = person(host_v, "v"), person(host_a, "a"), person(host_v, "m")
    for n, member in enumerate((v, a, m)):
        follow = {"id": f"{member.uri}/follows/{n}", "type": "Follow", "actor": member.uri}
        await post_as(client, {**follow, "object": GROUP}, member)
    await step(ctx)
    note_uri = v.serve("/notes/1", note(v, "<p>V's own words</p>"))
    await post_as(client, create(v, 1, {**note(v, "<p>V's own words</p>"), "id": note_uri}), v)
    await step(ctx)
    return SimpleNamespace(client=client, ctx=ctx, v=v, a=a, m=m, note_uri=note_uri)


async def announces(conn: asyncpg.Connection) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM activities t JOIN actors g ON g.id = t.actor_id"
            " WHERE g.uri = $1 AND t.type = 'Announce'",
            GROUP,
        )
    )


async def outcome(conn: asyncpg.Connection, activity_uri: str) -> tuple[str, str]:
    row = await conn.fetchrow(
        "SELECT state, error FROM inbox_items WHERE activity_uri = $1", activity_uri
    )
    assert row is not None
    return row["state"], row["error"] or ""


async def test_the_genuine_post_went_through(world, conn: asyncpg.Connection) -> None:
    assert await announces(conn) == 2  # the FEP-1b12 wrap and the boost
    row = await conn.fetchrow("SELECT content_html, create_uri FROM posts")
    assert row["content_html"] == "<p>V's own words</p>"
    assert row["create_uri"] == f"{world.v.uri}/creates/1"


async def test_an_embedded_copy_from_another_origin_is_refused(
    world, conn: asyncpg.Connection
) -> None:
    forged = {**note(world.a, "<p>A's words</p>"), "id": world.note_uri}
    activity = create(world.a, 1, forged)
    await post_as(world.client, activity, world.a)
    await step(world.ctx)
    state, error = await outcome(conn, activity["id"])
    assert state == "ignored"
    assert "author's server" in error
    assert await announces(conn) == 2
    assert await conn.fetchval("SELECT content_html FROM posts") == "<p>V's own words</p>"
    fetched = [r.target for r in world.v.host.received if r.method == "GET"]
    assert "/notes/1" in fetched, "the object was fetched from its origin"


async def test_a_copy_by_reference_is_refused(world, conn: asyncpg.Connection) -> None:
    activity = create(world.a, 2, world.note_uri)
    await post_as(world.client, activity, world.a)
    await step(world.ctx)
    state, error = await outcome(conn, activity["id"])
    assert state == "ignored"
    assert error
    assert await announces(conn) == 2


async def test_someone_on_the_same_server_cannot_claim_the_post(
    world, conn: asyncpg.Connection
) -> None:
    forged = {**note(world.m, "<p>M's words</p>"), "id": world.note_uri}
    activity = create(world.m, 1, forged)
    await post_as(world.client, activity, world.m)
    await step(world.ctx)
    state, error = await outcome(conn, activity["id"])
    assert state == "ignored"
    assert "someone else's" in error
    assert await announces(conn) == 2
    assert await conn.fetchval("SELECT content_html FROM posts") == "<p>V's own words</p>"


async def test_an_update_of_someone_elses_post_is_refused(world, conn: asyncpg.Connection) -> None:
    forged = {**note(world.m, "<p>M's edit</p>"), "id": world.note_uri}
    activity = {**create(world.m, 9, forged), "type": "Update", "id": f"{world.m.uri}/updates/1"}
    await post_as(world.client, activity, world.m)
    await step(world.ctx)
    state, _ = await outcome(conn, activity["id"])
    assert state == "ignored"
    assert await announces(conn) == 2
    assert await conn.fetchval("SELECT content_html FROM posts") == "<p>V's own words</p>"


async def test_a_second_create_of_one_post_changes_nothing(world, conn: asyncpg.Connection) -> None:
    deliveries = await conn.fetchval("SELECT count(*) FROM deliveries")
    again = create(world.v, 2, {**note(world.v, "<p>V's words, again</p>"), "id": world.note_uri})
    await post_as(world.client, again, world.v)
    await step(world.ctx)
    assert await outcome(conn, again["id"]) == (
        "processed",
        "ignored: a second Create of a post we have changes nothing (an edit is an Update)",
    )
    assert await announces(conn) == 2, "announced once"
    assert await conn.fetchval("SELECT count(*) FROM deliveries") == deliveries
    assert await conn.fetchval("SELECT content_html FROM posts") == "<p>V's own words</p>"
    # the first Create, delivered again, is still the one that counts (a re-run is harmless)
    first = await conn.fetchval("SELECT create_uri FROM posts")
    assert first == f"{world.v.uri}/creates/1"
