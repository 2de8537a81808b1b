"""A reply published before the group took its thread in (the group takes a local post
through its inbox, after the 202): it goes to the thread's group, waits for the thread, and
joins it with the thread, announced; a reply the group refuses is hidden here too, the refusal
its reason, and its author stays a member."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx

from community.actors import find_local_actor
from community.context import AppContext
from community.membership import record_ban
from community.posts import already_announced, find_post
from tests.api.conftest import step
from tests.api.test_statuses import join, post_status


async def run_worker(ctx: AppContext, conn: asyncpg.Connection) -> None:
    """The inbox worker until idle, and again for what waits until later."""
    await step(ctx)
    while await conn.fetchval("SELECT count(*) FROM inbox_items WHERE state = 'received'"):
        await conn.execute(
            "UPDATE inbox_items SET next_attempt_at = now() WHERE state = 'received'"
        )
        await step(ctx)


async def test_replies_sent_before_the_group_took_their_thread_in_join_it(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    for member in (town.alice, town.bob):
        await join(client, ctx, member, town.garden.id)
    thread = await post_status(client, town.alice, status="@garden Seeds to swap?")
    replies = [
        await post_status(client, town.alice, status="Beans here", in_reply_to_id=thread["id"]),
        await post_status(client, town.bob, status="Tomatoes!", in_reply_to_id=thread["id"]),
    ]
    ids = [int(thread["id"]), *(int(r["id"]) for r in replies)]
    assert await conn.fetchval("SELECT group_id FROM posts WHERE id = $1", ids[0]) is None
    # the worst order: the replies' Creates are handled before the thread's
    thread_uri = await conn.fetchval("SELECT uri FROM posts WHERE id = $1", ids[0])
    held_back = await conn.execute(
        """UPDATE inbox_items SET next_attempt_at = now() + interval '1 hour'
           WHERE activity_type = 'Create' AND body::jsonb -> 'object' ->> 'id' = $1""",
        thread_uri,
    )
    assert held_back == "UPDATE 1"
    await step(ctx)
    notes = await conn.fetch("SELECT error FROM inbox_items WHERE activity_type = 'Create'")
    assert [n["error"] for n in notes].count(
        "ignored: garden takes it in with its thread, which it has not yet"
    ) == 2, "both replies wait for their thread"
    await run_worker(ctx, conn)
    rows = await conn.fetch(
        "SELECT group_id, uri FROM posts WHERE id = ANY($1::bigint[]) ORDER BY id", ids
    )
    assert [r["group_id"] for r in rows] == [town.garden.id] * 3
    for row in rows:
        stored = await find_post(conn, row["uri"])
        assert stored is not None
        assert stored.create_uri is not None
        assert await already_announced(conn, town.garden, stored.create_uri), "announced"
    failed = await conn.fetchval("SELECT count(*) FROM inbox_items WHERE state <> 'processed'")
    assert failed == 0


async def test_a_reply_the_group_refuses_is_hidden_here_too(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    for member in (town.alice, town.bob):
        await join(client, ctx, member, town.garden.id)
    thread = await post_status(client, town.alice, status="@garden Seeds to swap?")
    await step(ctx)
    bob = await find_local_actor(conn, "bob")
    assert bob is not None
    await record_ban(conn, town.garden, bob, "rude", None, f"{town.garden.uri}/bans/1")
    reply = await post_status(client, town.bob, status="Rude words", in_reply_to_id=thread["id"])
    await run_worker(ctx, conn)
    row = await conn.fetchrow(
        "SELECT group_id, deleted_at, removal_reason FROM posts WHERE id = $1", int(reply["id"])
    )
    assert row["deleted_at"] is not None
    assert row["removal_reason"].startswith("refused by garden@social.test: you are banned")
    context = (await client.get(f"/api/v1/statuses/{thread['id']}/context")).json()
    assert context["descendants"] == [], "not shown under the thread here either"
    still = await conn.fetchval(
        "SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2",
        bob.id,
        town.garden.id,
    )
    assert still == "accepted", "the group's Reject of a post is no Reject of bob's follow"
