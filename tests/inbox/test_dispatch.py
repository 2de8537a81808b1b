"""Dispatch: parsed models for the handlers (compacted JSON-LD too), the one announcing guard,
and the failure path of what cannot be parsed."""

import asyncpg
import orjson
import pytest

from tests.inbox.conftest import GROUP, LEMMY, LEMMY_HOSTS, step
from tests.inbox.support import fixture, post_signed

pytestmark = pytest.mark.usefixtures("world")


async def deliver(client, actor, activity) -> None:
    response = await post_signed(client, "/inbox", activity, actor)
    assert response.status_code == 202, response.text


async def join(client, ctx, actor) -> None:
    follow = {"id": f"{actor.uri}/follow/1", "type": "Follow", "actor": actor.uri, "object": GROUP}
    await deliver(client, actor, follow)
    await step(ctx)


async def group_announces(conn: asyncpg.Connection) -> list[dict]:
    rows = await conn.fetch(
        "SELECT a.body FROM activities a JOIN actors g ON g.id = a.actor_id"
        " WHERE g.uri = $1 AND a.type = 'Announce' AND a.form = 'fep1b12' ORDER BY a.id",
        GROUP,
    )
    return [orjson.loads(row["body"]) for row in rows]


async def test_compacted_json_ld_is_read_like_the_expanded_lists(client, ctx, world, conn) -> None:
    await join(client, ctx, world.alpha)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    # JSON-LD compaction: single values instead of one-element lists, the short public name,
    # one tag object instead of a list of them
    create["to"] = "as:Public"
    create["cc"] = GROUP
    create["object"]["to"] = "as:Public"
    create["object"]["cc"] = GROUP
    create["object"]["tag"] = {"type": "Mention", "href": GROUP, "name": "@main"}
    await deliver(client, world.alpha, create)
    await step(ctx)
    post = await conn.fetchrow("SELECT * FROM posts WHERE uri = $1", f"{LEMMY}/post/1")
    assert post["group_id"] == world.group.id
    assert [a["object"]["id"] for a in await group_announces(conn)] == [create["id"]]


async def test_a_bare_url_object_is_fetched_not_trusted(client, ctx, world, conn) -> None:
    await join(client, ctx, world.alpha)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    create["object"] = create["object"]["id"]  # the post given by its id only
    await deliver(client, world.alpha, create)
    await step(ctx)
    state, error = await conn.fetchrow(
        "SELECT state, error FROM inbox_items WHERE activity_uri = $1", create["id"]
    )
    assert state == "received"  # its origin cannot be reached here: retried, not failed
    assert "cannot fetch" in error
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0


async def test_an_activity_that_does_not_parse_is_recorded_failed_with_the_reason(
    client, ctx, world, conn
) -> None:
    like = fixture("lemmy/like_note.json", LEMMY_HOSTS)
    like["published"] = 12  # not a date-time string
    await deliver(client, world.alpha, like)
    await step(ctx)
    state, error = await conn.fetchrow("SELECT state, error FROM inbox_items")
    assert state == "failed"
    assert error.startswith("invalid activity: invalid Activity Streams 2.0")


async def test_a_group_announces_an_activity_once_however_often_it_is_handled(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    like = fixture("lemmy/like_note.json", LEMMY_HOSTS)
    like["object"] = f"{LEMMY}/post/1"
    await deliver(client, world.alpha, like)
    await step(ctx)
    # a worker that died after committing is followed by another that handles the item again
    await conn.execute(
        "UPDATE inbox_items SET state = 'received', next_attempt_at = now()"
        " WHERE activity_uri = $1",
        like["id"],
    )
    await step(ctx)
    inner = [a["object"]["type"] for a in await group_announces(conn)]
    assert inner == ["Create", "Like"]
    note = await conn.fetchval("SELECT error FROM inbox_items WHERE activity_uri = $1", like["id"])
    assert note == "like recorded (announced before)"
