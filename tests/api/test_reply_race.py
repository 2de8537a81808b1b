"""A reply published before the group took its thread in (the group takes a local post
through its inbox, after the 202, or holds it for its moderators): it goes to the thread's
group, waits for the thread, and joins it with the thread (or when a moderator approves it),
announced; a reply the group refuses (or whose thread a moderator rejects) is hidden here too,
the refusal its reason, and its author stays a member."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx

from community.accounts import create_user
from community.actors import Actor, find_local_actor
from community.context import AppContext
from community.governance import add_moderator, set_premoderation
from community.membership import record_ban
from community.moderation import NEWCOMER_POSTS, find_held_post
from community.posts import Post, already_announced, find_post, find_post_by_id
from outbox.governance import Act, submit
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


async def held_thread_with_a_reply(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> tuple[Actor, Post, Post]:
    """garden pre-moderates newcomers' posts: alice's first thread waits for its moderator
    carol, and bob (no newcomer) replies to it meanwhile (his reply waits for it); carol, the
    thread and the reply."""
    carol = await create_user(conn, town.urls, "carol")
    await add_moderator(conn, town.garden, carol)
    for member in (town.alice, town.bob):
        await join(client, ctx, member, town.garden.id)
    for n in range(NEWCOMER_POSTS):
        await post_status(client, town.bob, status=f"@garden Hello {n}")
    await run_worker(ctx, conn)
    await set_premoderation(conn, town.garden, "new")
    posted = await post_status(client, town.alice, status="@garden Seeds to swap?")
    await run_worker(ctx, conn)
    thread = await find_post_by_id(conn, int(posted["id"]))
    assert thread is not None
    assert thread.group_id is None
    assert await find_held_post(conn, town.garden, thread.uri) is not None, "held"
    answered = await post_status(client, town.bob, status="Tomatoes!", in_reply_to_id=posted["id"])
    await run_worker(ctx, conn)
    reply = await find_post_by_id(conn, int(answered["id"]))
    assert reply is not None
    assert reply.group_id is None
    assert reply.create_uri is not None
    note = await conn.fetchval(
        "SELECT error FROM inbox_items WHERE activity_uri = $1", reply.create_uri
    )
    assert note == "ignored: garden takes it in with its thread, which it has not yet"
    return carol, thread, reply


async def test_a_reply_waits_for_its_held_thread_and_joins_it_when_approved(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    carol, thread, reply = await held_thread_with_a_reply(client, ctx, conn, town)
    await submit(conn, ctx.urls, Act(town.garden, "approve_post", carol, {"post": thread.uri}, ""))
    for post in (thread, reply):
        now = await find_post(conn, post.uri)
        assert now is not None
        assert now.group_id == town.garden.id
        assert now.create_uri is not None
        assert await already_announced(conn, town.garden, now.create_uri), "announced"
    context = (await client.get(f"/api/v1/statuses/{thread.id}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [str(reply.id)]


async def test_a_reply_to_a_rejected_thread_is_refused_with_it(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    carol, thread, reply = await held_thread_with_a_reply(client, ctx, conn, town)
    rejected = Act(town.garden, "reject_post", carol, {"post": thread.uri}, "off topic")
    await submit(conn, ctx.urls, rejected)
    row = await conn.fetchrow(
        "SELECT group_id, deleted_at, removal_reason FROM posts WHERE id = $1", reply.id
    )
    assert row["group_id"] is None
    assert row["deleted_at"] is not None
    assert (
        row["removal_reason"] == "refused by garden@social.test: the thread is not in the community"
    )
    assert reply.create_uri is not None
    assert not await already_announced(conn, town.garden, reply.create_uri)
    # a reply after the rejection is refused at once, as to any thread the group did not take in
    late = await post_status(client, town.bob, status="Still?", in_reply_to_id=str(thread.id))
    await run_worker(ctx, conn)
    reason = await conn.fetchval("SELECT removal_reason FROM posts WHERE id = $1", int(late["id"]))
    assert reason == "refused by garden@social.test: the thread is not in the community"


async def test_the_reply_is_taken_in_by_the_groups_rules_when_its_thread_is_approved(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, town: SimpleNamespace
) -> None:
    carol, thread, reply = await held_thread_with_a_reply(client, ctx, conn, town)
    await set_premoderation(conn, town.garden, "all")  # bob's reply waits for carol too
    await submit(conn, ctx.urls, Act(town.garden, "approve_post", carol, {"post": thread.uri}, ""))
    assert await find_held_post(conn, town.garden, reply.uri) is not None
    await submit(conn, ctx.urls, Act(town.garden, "approve_post", carol, {"post": reply.uri}, ""))
    now = await find_post(conn, reply.uri)
    assert now is not None
    assert now.group_id == town.garden.id
    assert reply.create_uri is not None
    assert await already_announced(conn, town.garden, reply.create_uri)
