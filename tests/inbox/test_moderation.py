"""Moderators acting from their own servers (as Lemmy's do), reports, and pre-moderation, as a
group of ours receives them: applied and announced when the actor moderates the group, refused
(recorded, never announced) when not."""

import asyncpg
import orjson
import pytest

from community.governance import add_moderator, moderators_of, set_premoderation
from community.membership import is_banned
from outbox.governance import vote
from outbox.moderation import Moderator, decide_held
from tests.inbox.conftest import GROUP, MASTODON, step
from tests.inbox.support import fixture, post_signed, remote_actor

pytestmark = pytest.mark.usefixtures("world")
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def deliver(client, ctx, actor, activity) -> dict:
    response = await post_signed(client, "/inbox", activity, actor)
    assert response.status_code == 202, response.text
    await step(ctx)
    return activity


async def join(client, ctx, actor) -> None:
    follow = {"id": f"{actor.uri}/follow/1", "type": "Follow", "actor": actor.uri, "object": GROUP}
    await deliver(client, ctx, actor, follow)


async def outcome(conn: asyncpg.Connection, activity: dict) -> tuple[str, str | None]:
    row = await conn.fetchrow(
        "SELECT state, error FROM inbox_items WHERE activity_uri = $1", activity["id"]
    )
    return row["state"], row["error"]


async def sent_since(conn: asyncpg.Connection, since: int) -> list[dict]:
    rows = await conn.fetch("SELECT body FROM activities WHERE id > $1 ORDER BY id", since)
    return [orjson.loads(r["body"]) for r in rows]


async def last_id(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM activities"))


def note(author, number: int, *, reply_to: str | None = None) -> dict:
    obj = {
        "id": f"{author.uri}/statuses/{number}",
        "type": "Note",
        "attributedTo": author.uri,
        "content": f"<p>post {number}</p>",
        "to": [PUBLIC],
        "cc": [GROUP],
        "tag": [{"type": "Mention", "href": GROUP}],
    }
    if reply_to:
        obj["inReplyTo"] = reply_to
    return {
        "id": f"{author.uri}/statuses/{number}/activity",
        "type": "Create",
        "actor": author.uri,
        "object": obj,
        "to": [PUBLIC],
        "cc": [GROUP],
    }


def by_moderator(kind: str, actor, obj, number: int, **fields) -> dict:
    return {
        "id": f"{actor.uri}/acts/{kind.lower()}/{number}",
        "type": kind,
        "actor": actor.uri,
        "object": obj,
        "to": [PUBLIC],
        "cc": [GROUP],
        "audience": GROUP,
        **fields,
    }


@pytest.fixture
async def team(client, ctx, world, conn):
    """alpha (Lemmy) moderates main with mod; felix (Mastodon) posted a thread there."""
    await add_moderator(conn, world.group, world.alpha.actor)
    for actor in (world.alpha, world.felix, world.stranger):
        await join(client, ctx, actor)
    thread = await deliver(client, ctx, world.felix, note(world.felix, 1))
    return thread["object"]["id"]


async def test_a_remote_moderator_removes_and_both_forms_go_out(client, ctx, world, conn, team):
    since = await last_id(conn)
    removal = by_moderator("Delete", world.alpha, team, 1, summary="off topic")
    raw = orjson.dumps(removal)
    response = await post_signed(client, "/inbox", raw, world.alpha)
    assert response.status_code == 202
    await step(ctx)
    assert (
        await conn.fetchval("SELECT removal_reason FROM posts WHERE uri = $1", team) == "off topic"
    )
    sent = await sent_since(conn, since)
    wraps = [a for a in sent if a["type"] == "Announce"]
    assert [a["object"]["id"] for a in wraps] == [removal["id"]]
    wrapped_body = await conn.fetchval(
        "SELECT body FROM activities WHERE type = 'Announce' ORDER BY id DESC LIMIT 1"
    )
    assert wrapped_body.endswith(',"object":' + raw.decode() + "}"), "byte-exact"
    undo = next(a for a in sent if a["type"] == "Undo")
    assert undo["object"]["type"] == "Announce"
    assert undo["object"]["object"] == team
    item = await conn.fetchval("SELECT activity FROM modlog WHERE kind = 'remove_post'")
    assert item["actor"] == world.alpha.uri
    assert item["id"] == removal["id"]


async def test_the_same_acts_from_a_non_moderator_change_nothing(client, ctx, world, conn, team):
    since = await last_id(conn)
    acts = [
        by_moderator("Delete", world.stranger, team, 1, summary="mine now"),
        by_moderator("Lock", world.stranger, team, 2),
        by_moderator("Block", world.stranger, world.felix.uri, 3, target=GROUP),
        by_moderator("Add", world.stranger, team, 4, target=f"{GROUP}/featured"),
        by_moderator("Add", world.stranger, world.stranger.uri, 5, target=f"{GROUP}/moderators"),
    ]
    for act in acts:
        await deliver(client, ctx, world.stranger, act)
        state, error = await outcome(conn, act)
        assert state == "ignored"
        assert error == "stranger@other.example is not a moderator of main@social.test"
    post = await conn.fetchrow("SELECT * FROM posts WHERE uri = $1", team)
    assert (post["deleted_at"], post["locked"], post["pinned"]) == (None, False, False)
    assert not await is_banned(conn, world.group, world.felix.actor)
    assert len(await moderators_of(conn, world.group)) == 2
    assert await sent_since(conn, since) == [], "refused acts are never announced"
    assert await conn.fetchval("SELECT count(*) FROM modlog") == 0


async def test_a_remote_moderators_ban_lock_and_pin(client, ctx, world, conn, team):
    await deliver(client, ctx, world.alpha, by_moderator("Lock", world.alpha, team, 1))
    reply = await deliver(client, ctx, world.stranger, note(world.stranger, 2, reply_to=team))
    assert (
        await conn.fetchval("SELECT count(*) FROM posts WHERE uri = $1", reply["object"]["id"]) == 0
    )
    refused = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Reject' ORDER BY id DESC")
    )
    assert refused["object"]["id"] == reply["id"]
    assert "locked" in refused["summary"]
    pin = by_moderator("Add", world.alpha, team, 2, target=f"{GROUP}/featured")
    await deliver(client, ctx, world.alpha, pin)
    assert await conn.fetchval("SELECT pinned FROM posts WHERE uri = $1", team)
    ban = by_moderator(
        "Block",
        world.alpha,
        world.felix.uri,
        3,
        target=GROUP,
        summary="spam",
        endTime="2999-01-01T00:00:00Z",
        removeData=True,
    )
    await deliver(client, ctx, world.alpha, ban)
    assert await is_banned(conn, world.group, world.felix.actor)
    again = await deliver(client, ctx, world.felix, note(world.felix, 3))
    reject = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Reject' ORDER BY id DESC")
    )
    assert reject["object"]["id"] == again["id"]
    assert reject["summary"] == "you are banned from this group: spam"
    kinds = [r["kind"] for r in await conn.fetch("SELECT kind FROM modlog ORDER BY id")]
    assert kinds == ["lock", "pin", "ban"]


async def test_removing_a_moderator_waits_for_a_second_one(client, ctx, world, conn, team):
    removal = by_moderator("Remove", world.alpha, world.mod.uri, 1, target=f"{GROUP}/moderators")
    await deliver(client, ctx, world.alpha, removal)
    state, note_ = await outcome(conn, removal)
    assert state == "processed"
    assert note_.startswith("remove_moderator proposed in main")
    assert len(await moderators_of(conn, world.group)) == 2, "a proposal does nothing"
    proposal_id = await conn.fetchval("SELECT id FROM governance_proposals")
    async with ctx.pool.acquire() as pooled:
        await vote(pooled, world.urls, world.group, proposal_id, world.mod, approve=True)
    assert [m.uri for m in await moderators_of(conn, world.group)] == [world.alpha.uri]
    wrapped = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Announce' ORDER BY id DESC")
    )
    assert wrapped["object"]["id"] == removal["id"], "the proposer's act, announced once applied"


async def test_a_remote_moderator_edits_the_profile(client, ctx, world, conn, team):
    group_doc = (await client.get(GROUP, headers={"Accept": "application/activity+json"})).json()
    group_doc["name"] = "Main street"
    group_doc["postingRestrictedToMods"] = True
    update = by_moderator("Update", world.alpha, group_doc, 1)
    await deliver(client, ctx, world.alpha, update)
    assert await conn.fetchval("SELECT name FROM actors WHERE uri = $1", GROUP) == "Main street"
    policy = await conn.fetchval("SELECT posting_policy FROM actors WHERE uri = $1", GROUP)
    assert policy == "members", "the posting rule needs a second moderator"
    assert await conn.fetchval("SELECT kind FROM governance_proposals") == "set_posting"
    own = orjson.loads(
        await conn.fetchval(
            "SELECT body FROM activities WHERE type = 'Update' AND actor_id = $1", world.group.id
        )
    )
    assert own["object"]["name"] == "Main street"


async def test_reports_reach_moderators_here_and_the_servers_of_those_elsewhere(
    client, ctx, world, conn, team
):
    masto_instance = await remote_actor(
        conn, f"{MASTODON}/actor", "Application", software="mastodon"
    )
    flag = fixture(
        "mastodon/flag.json",
        {
            "https://mastodon.example/actor": masto_instance.uri,
            "https://example.com/users/1": world.felix.uri,
            "https://example.com/posts/380590": team,
        },
    )
    flag["object"] = flag["object"][:2]
    flag["to"] = world.felix.uri
    raw = orjson.dumps(flag)
    await post_signed(client, "/inbox", raw, masto_instance)
    await step(ctx)
    report = await conn.fetchrow("SELECT * FROM reports")
    assert report["content"] == "Please take a look at this user and their posts"
    assert report["group_id"] == world.group.id
    notification = await conn.fetchrow("SELECT * FROM notifications WHERE kind = 'admin.report'")
    assert notification["recipient_id"] == world.mod.id
    assert notification["report_id"] == report["id"]
    forwarded = await conn.fetch(
        "SELECT d.host, a.body FROM deliveries d JOIN activities a ON a.id = d.activity_id"
        " WHERE a.type = 'Announce' AND a.object_uri = $1",
        flag["id"],
    )
    assert [r["host"] for r in forwarded] == ["ds9.lemmy.example"], "only alpha's server"
    assert forwarded[0]["body"].endswith(',"object":' + raw.decode() + "}")
    lemmy_flag = fixture(
        "lemmy/report_page.json",
        {
            "http://ds9.lemmy.ml/u/lemmy_alpha": world.stranger.uri,
            "http://ds9.lemmy.ml": "https://other.example",
            "http://enterprise.lemmy.ml/c/main": GROUP,
            "http://enterprise.lemmy.ml/post/7": team,
        },
    )
    await deliver(client, ctx, world.stranger, lemmy_flag)
    assert (
        await conn.fetchval("SELECT count(*) FROM reports WHERE group_id = $1", world.group.id) == 2
    )
    hosts = await conn.fetch(
        "SELECT d.host FROM deliveries d JOIN activities a ON a.id = d.activity_id"
        " WHERE a.type = 'Announce' AND a.object_uri = $1",
        lemmy_flag["id"],
    )
    assert [r["host"] for r in hosts] == ["ds9.lemmy.example"]


async def test_premoderation_holds_then_announces_or_rejects(client, ctx, world, conn, team):
    await set_premoderation(conn, world.group, "all")
    since = await last_id(conn)
    held = await deliver(client, ctx, world.stranger, note(world.stranger, 7))
    assert (await outcome(conn, held))[1] == "held for the moderators of main"
    assert (
        await conn.fetchval("SELECT count(*) FROM posts WHERE uri = $1", held["object"]["id"]) == 0
    )
    assert await sent_since(conn, since) == [], "neither shown nor announced"
    assert await conn.fetchval("SELECT count(*) FROM held_posts") == 1
    async with ctx.pool.acquire() as pooled:
        mod = Moderator(world.mod)
        await decide_held(pooled, world.urls, mod, held["object"]["id"], approve=True)
    sent = await sent_since(conn, since)
    assert [
        (a["type"], a["object"]["id"] if isinstance(a["object"], dict) else a["object"])
        for a in sent
        if a["type"] == "Announce"
    ] == [
        ("Announce", held["id"]),
        ("Announce", held["object"]["id"]),
    ]
    rejected = await deliver(client, ctx, world.stranger, note(world.stranger, 8))
    async with ctx.pool.acquire() as pooled:
        await decide_held(
            pooled, world.urls, mod, rejected["object"]["id"], approve=False, reason="not here"
        )
    reject = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Reject' ORDER BY id DESC")
    )
    assert reject["object"]["id"] == rejected["id"]
    assert reject["summary"] == "not here"
    assert reject["to"] == [world.stranger.uri]
    assert (
        await conn.fetchval("SELECT count(*) FROM posts WHERE uri = $1", rejected["object"]["id"])
        == 0
    )


async def test_newcomers_first_three_posts_wait(client, ctx, world, conn, team):
    await set_premoderation(conn, world.group, "new")
    await conn.execute(
        "INSERT INTO posts (uri, type, author_id, group_id, local, raw)"
        " SELECT 'https://other.example/old/' || n, 'Note', $1, $2, false, '{}'"
        " FROM generate_series(1, 2) n",
        world.stranger.actor.id,
        world.group.id,
    )
    third = await deliver(client, ctx, world.stranger, note(world.stranger, 9))
    assert (await outcome(conn, third))[1] == "held for the moderators of main"
    await conn.execute(
        "INSERT INTO posts (uri, type, author_id, group_id, local, raw)"
        " VALUES ('https://other.example/old/3', 'Note', $1, $2, false, '{}')",
        world.stranger.actor.id,
        world.group.id,
    )
    fourth = await deliver(client, ctx, world.stranger, note(world.stranger, 10))
    assert (await outcome(conn, fourth))[1] == "posted in main"
    mods = await deliver(client, ctx, world.alpha, note(world.alpha, 11))
    assert (await outcome(conn, mods))[1] == "posted in main", "moderators never wait"
