"""Handlers with the payloads Lemmy and Mastodon really send (their published examples)."""

import asyncpg
import orjson
import pytest

from community.membership import is_member
from tests.inbox.conftest import GROUP, LEMMY, LEMMY_HOSTS, MASTODON, step
from tests.inbox.support import fixture, post_signed

pytestmark = pytest.mark.usefixtures("world")


async def deliver(client, actor, activity):
    response = await post_signed(client, "/inbox", activity, actor)
    assert response.status_code == 202, response.text
    return activity


async def join(client, ctx, actor) -> None:
    await deliver(
        client,
        actor,
        {
            "id": f"{actor.uri}/follow/{GROUP[-4:]}",
            "type": "Follow",
            "actor": actor.uri,
            "object": GROUP,
        },
    )
    await step(ctx)


async def announces(conn: asyncpg.Connection, form: str | None = None) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT a.* FROM activities a JOIN actors g ON g.id = a.actor_id"
            " WHERE g.uri = $1 AND a.type = 'Announce' AND ($2::text IS NULL OR a.form = $2)"
            " ORDER BY a.id",
            GROUP,
            form,
        )
    )


async def items(conn: asyncpg.Connection) -> dict[str, tuple[str, str | None]]:
    rows = await conn.fetch("SELECT activity_uri, state, error FROM inbox_items")
    return {r["activity_uri"]: (r["state"], r["error"]) for r in rows}


async def test_lemmy_follow_is_accepted_with_the_follow_embedded(client, ctx, world, conn) -> None:
    follow = fixture("lemmy/follow.json", LEMMY_HOSTS)
    await deliver(client, world.alpha, follow)
    await step(ctx)
    assert await is_member(conn, world.group, world.alpha.actor)
    accept = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Accept'"))
    assert accept["actor"] == GROUP
    assert accept["object"]["id"] == follow["id"]
    assert accept["object"]["actor"] == world.alpha.uri
    assert accept["to"] == [world.alpha.uri]
    assert "cc" in accept


async def test_mastodon_follow_of_a_closed_group_waits_for_a_moderator(
    client, ctx, world, conn
) -> None:
    from outbox.actions import answer_request

    await conn.execute(
        (
            "UPDATE actors SET manually_approves_followers = true,"
            " community_visibility = 'private' WHERE uri = $1"
        ),
        GROUP,
    )
    follow = fixture(
        "mastodon/follow.json",
        {
            "https://masto.asonix.dog/users/asonix": world.felix.uri,
            "https://masto.asonix.dog": MASTODON,
            "https://ds9.lemmy.ml/c/testcom": GROUP,
        },
    )
    await deliver(client, world.felix, follow)
    await step(ctx)
    state = await conn.fetchval("SELECT state FROM follows")
    assert state == "pending"
    assert await conn.fetchval("SELECT count(*) FROM activities WHERE type = 'Accept'") == 0
    group = world.group.__class__(**{**world.group.__dict__, "manually_approves_followers": True})
    await answer_request(conn, world.urls, group, world.felix.actor, approve=True)
    assert await is_member(conn, world.group, world.felix.actor)
    accept = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Accept'"))
    assert accept["object"]["id"] == follow["id"]


async def test_lemmy_page_from_a_member_is_stored_and_announced_in_both_forms(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    raw = orjson.dumps(create)
    response = await post_signed(client, "/inbox", raw, world.alpha)
    assert response.status_code == 202
    await step(ctx)
    post = await conn.fetchrow("SELECT * FROM posts WHERE uri = $1", f"{LEMMY}/post/1")
    assert post["title"] == "test post"
    assert post["content_html"] == "<p>test body</p>\n"
    assert post["language"] == "ko"
    wrapped = (await announces(conn, "fep1b12"))[-1]
    body = wrapped["body"]
    assert body.endswith(',"object":' + raw.decode() + "}"), "FEP-1b12: the Create, byte-exact"
    envelope = orjson.loads(body)
    assert envelope["to"]
    assert envelope["cc"] == [f"{GROUP}/followers"]
    assert envelope["audience"] == GROUP
    boost = (await announces(conn, "boost"))[-1]
    assert orjson.loads(boost["body"])["object"] == f"{LEMMY}/post/1"


async def test_mastodon_note_mentioning_the_group_gets_a_title_from_its_first_line(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.felix)
    create = fixture(
        "mastodon/create_note.json",
        {
            "https://mamot.fr/users/retiolus/statuses/107224244380204526": "",
            "https://mamot.fr/users/retiolus": GROUP,
            "https://mastodon.madrid": MASTODON,
        },
    )
    create["object"].pop("inReplyTo")
    await deliver(client, world.felix, create)
    await step(ctx)
    post = await conn.fetchrow("SELECT * FROM posts")
    assert post["group_id"] == world.group.id
    assert post["title"].startswith("@retiolus i have never been disappointed by a thinkpad.")
    assert 'class="u-url mention"' in post["content_html"]
    assert len(await announces(conn, "fep1b12")) == 1
    assert len(await announces(conn, "boost")) == 1


async def test_a_reply_in_a_thread_belongs_to_the_group_and_is_not_boosted(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    comment = fixture("lemmy/create_note.json", LEMMY_HOSTS)
    comment["cc"] = []  # addressed to no group: the thread alone decides
    await deliver(client, world.alpha, comment)
    await step(ctx)
    reply = await conn.fetchrow("SELECT * FROM posts WHERE uri = $1", f"{LEMMY}/comment/1")
    root = await conn.fetchrow("SELECT * FROM posts WHERE uri = $1", f"{LEMMY}/post/1")
    assert reply["group_id"] == world.group.id
    assert reply["root_id"] == root["id"]
    assert len(await announces(conn, "fep1b12")) == 2
    assert len(await announces(conn, "boost")) == 1


async def test_a_non_member_gets_a_reject_and_nothing_is_announced(
    client, ctx, world, conn
) -> None:
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    await deliver(client, world.alpha, create)
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0
    assert await announces(conn) == []
    reject = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Reject'"))
    assert reject["object"]["id"] == create["id"]
    assert reject["to"] == [world.alpha.uri]


async def test_moderators_only_groups_refuse_threads_but_take_replies(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await conn.execute("UPDATE actors SET posting_policy = 'moderators' WHERE uri = $1", GROUP)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0
    assert await conn.fetchval("SELECT count(*) FROM activities WHERE type = 'Reject'") == 1
    doc = (await client.get(GROUP, headers={"Accept": "application/activity+json"})).json()
    assert doc["postingRestrictedToMods"] is True


async def test_votes_and_their_undo_are_announced_to_fep1b12_followers(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    like = fixture("lemmy/like_note.json", LEMMY_HOSTS)
    like["object"] = f"{LEMMY}/post/1"
    await deliver(client, world.alpha, like)
    await step(ctx)
    assert await conn.fetchval("SELECT kind FROM votes") == "Like"
    undo = {
        "id": f"{LEMMY}/activities/undo/1",
        "type": "Undo",
        "actor": world.alpha.uri,
        "object": like,
        "to": [GROUP],
    }
    await deliver(client, world.alpha, undo)
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM votes") == 0
    inner_types = [
        orjson.loads(a["body"])["object"]["type"] for a in await announces(conn, "fep1b12")
    ]
    assert inner_types == ["Create", "Like", "Undo"]


async def test_the_author_deletes_and_both_kinds_of_follower_hear_of_it(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    delete = fixture("lemmy/delete_page.json", LEMMY_HOSTS)
    await deliver(client, world.alpha, delete)
    await step(ctx)
    post = await conn.fetchrow("SELECT * FROM posts")
    assert post["deleted_at"] is not None
    assert post["content_html"] == ""
    inner = [orjson.loads(a["body"])["object"]["type"] for a in await announces(conn, "fep1b12")]
    assert inner == ["Create", "Delete"]
    undo = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Undo'"))
    assert undo["object"]["type"] == "Announce"
    assert undo["object"]["object"] == f"{LEMMY}/post/1"
    # a late copy of the Create cannot bring it back
    again = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    again["id"] += "-replayed"
    await deliver(client, world.alpha, again)
    await step(ctx)
    assert (await conn.fetchrow("SELECT * FROM posts"))["deleted_at"] is not None


async def test_forged_delete_and_update_of_someone_elses_post_are_refused(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await join(client, ctx, world.felix)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    await step(ctx)
    before = await announces(conn)
    forged_delete = {
        "id": f"{MASTODON}/d/1",
        "type": "Delete",
        "actor": world.felix.uri,
        "object": f"{LEMMY}/post/1",
        "to": [GROUP],
    }
    forged_update = {
        "id": f"{MASTODON}/u/1",
        "type": "Update",
        "actor": world.felix.uri,
        "object": {
            "id": f"{LEMMY}/post/1",
            "type": "Page",
            "name": "pwned",
            "attributedTo": world.felix.uri,
        },
    }
    await deliver(client, world.felix, forged_delete)
    await deliver(client, world.felix, forged_update)
    await step(ctx)
    post = await conn.fetchrow("SELECT * FROM posts")
    assert post["deleted_at"] is None
    assert post["title"] == "test post"
    assert await announces(conn) == before
    outcome = await items(conn)
    state, reason = outcome[f"{MASTODON}/d/1"]
    assert state == "ignored"
    assert reason == "felix@mastodon.example is not a moderator of main@social.test"
    assert outcome[f"{MASTODON}/u/1"][0] in ("ignored", "received")


async def test_undo_of_someone_elses_follow_is_refused(client, ctx, world, conn) -> None:
    await join(client, ctx, world.alpha)
    follow_id = await conn.fetchval("SELECT activity_uri FROM follows")
    undo = {
        "id": f"{MASTODON}/undo/1",
        "type": "Undo",
        "actor": world.felix.uri,
        "object": follow_id,
    }
    await deliver(client, world.felix, undo)
    await step(ctx)
    assert await is_member(conn, world.group, world.alpha.actor)
    assert (await items(conn))[f"{MASTODON}/undo/1"][0] == "ignored"
    own = fixture("lemmy/undo_follow.json", LEMMY_HOSTS)
    own["object"]["id"] = follow_id
    await deliver(client, world.alpha, own)
    await step(ctx)
    assert not await is_member(conn, world.group, world.alpha.actor)


async def test_an_embedded_object_claiming_another_origin_is_not_trusted(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    create["object"]["id"] = "https://victim.invalid/post/1"
    create["object"]["attributedTo"] = "https://victim.invalid/u/victim"
    await deliver(client, world.alpha, create)
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0
    assert await announces(conn) == []


async def test_unknown_types_are_recorded_as_ignored(client, ctx, world, conn) -> None:
    activity = {"id": f"{LEMMY}/x/1", "type": "Wave", "actor": world.alpha.uri, "object": GROUP}
    await deliver(client, world.alpha, activity)
    await step(ctx)
    assert (await items(conn))[f"{LEMMY}/x/1"] == ("ignored", "no handler for Wave")


async def test_the_outbox_shows_its_newest_announces_inline_for_lemmy_backfill(
    client, ctx, world, conn
) -> None:
    await join(client, ctx, world.alpha)
    await deliver(client, world.alpha, fixture("lemmy/create_page.json", LEMMY_HOSTS))
    await step(ctx)
    as2 = {"Accept": "application/activity+json"}
    head = (await client.get(f"{GROUP}/outbox", headers=as2)).json()
    assert head["totalItems"] == 1
    assert head["orderedItems"][0]["type"] == "Announce"
    assert head["orderedItems"][0]["object"]["type"] == "Create"
    await conn.execute("UPDATE posts SET pinned = true")
    featured = (await client.get(f"{GROUP}/featured", headers=as2)).json()
    assert featured["orderedItems"][0]["type"] == "Page"
    assert featured["orderedItems"][0]["id"] == f"{LEMMY}/post/1"
