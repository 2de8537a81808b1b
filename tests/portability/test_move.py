"""A community moves: the act (with the quorum), what each follower's software receives, and
the old group refusing posts and members with the new address; the new group letting in its
former followers."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import orjson
import pytest

from community.accounts import create_user
from community.actors import find_actor_by_uri, get_local_actor
from community.portability.moves import record_former_follower
from community.remote import store_actor_document
from outbox.actions import follow
from outbox.errors import ActRefused
from outbox.governance import Act, Applied, Proposed, submit, vote
from tests.inbox.conftest import GROUP, step
from tests.inbox.support import actor_document, post_signed, remote_actor

NEW_GROUP = "https://new.example/groups/main"


async def new_group(conn: asyncpg.Connection, *, aliases: list[str]) -> None:
    doc = actor_document(NEW_GROUP, "Group", public_pem="")
    doc["alsoKnownAs"] = aliases
    doc["preferredUsername"] = "main"
    await store_actor_document(conn, doc, NEW_GROUP)


async def sent(conn: asyncpg.Connection, kind: str) -> list[tuple[str, dict]]:
    """(host, activity) of every delivery of ``kind`` the group queued."""
    rows = await conn.fetch(
        "SELECT d.host, a.body FROM deliveries d JOIN activities a ON a.id = d.activity_id"
        " WHERE a.type = $1 ORDER BY d.host",
        kind,
    )
    return [(r["host"], orjson.loads(r["body"])) for r in rows]


@pytest.fixture
async def members(client, ctx, world, conn) -> SimpleNamespace:
    """The group's followers: Lemmy-shaped alpha, Mastodon-shaped felix, and dee from here."""
    dee = await create_user(conn, world.urls, "dee")
    for actor in (world.alpha, world.felix):
        follow_ = {"id": f"{actor.uri}/f", "type": "Follow", "actor": actor.uri, "object": GROUP}
        assert (await post_signed(client, "/inbox", follow_, actor)).status_code == 202
    await follow(conn, world.urls, dee, world.group)
    await step(ctx)
    await conn.execute("DELETE FROM deliveries")
    return SimpleNamespace(dee=dee)


async def test_a_group_moves_only_to_one_that_names_it(world, conn) -> None:
    await new_group(conn, aliases=[])
    act = Act(world.group, "move", world.mod, {"target": NEW_GROUP})
    with pytest.raises(ActRefused, match=r"does not list .* in alsoKnownAs") as refused:
        await submit(conn, world.urls, act)
    assert refused.value.reason == "invalid"
    assert (await get_local_actor(conn, "main")).moved_to_uri is None


async def test_the_move_reaches_each_follower_in_its_form(client, ctx, world, members, conn):
    await new_group(conn, aliases=[GROUP])
    act = Act(world.group, "move", world.mod, {"target": NEW_GROUP}, reason="our host closes")
    applied = await submit(conn, world.urls, act)
    assert isinstance(applied, Applied)
    group = await get_local_actor(conn, "main")
    assert group.moved_to_uri == NEW_GROUP

    moves = await sent(conn, "Move")
    assert {host for host, _ in moves} == {"ds9.lemmy.example", "mastodon.example"}
    move = moves[0][1]
    assert (move["actor"], move["object"], move["target"]) == (GROUP, GROUP, NEW_GROUP)
    updates = await sent(conn, "Update")
    assert [host for host, _ in updates] == ["mastodon.example"]
    assert updates[0][1]["object"]["movedTo"] == NEW_GROUP
    announces = {
        (host, a["object"]["type"] if isinstance(a["object"], dict) else "boost")
        for host, a in await sent(conn, "Announce")
    }
    assert announces == {("ds9.lemmy.example", "Create"), ("mastodon.example", "boost")}
    thread = await conn.fetchrow("SELECT * FROM posts WHERE pinned")
    assert thread["title"] == "We moved to @main@new.example"
    assert thread["author_id"] == world.mod.id
    logged = await conn.fetchval("SELECT activity FROM modlog WHERE kind = 'move'")
    assert (logged["type"], logged["target"], logged["summary"]) == (
        "Move",
        NEW_GROUP,
        "our host closes",
    )

    response = await client.get("/groups/main", headers={"Accept": "application/activity+json"})
    assert response.json()["movedTo"] == NEW_GROUP


async def test_the_local_members_follow_the_new_group(client, ctx, world, members, conn):
    await new_group(conn, aliases=[GROUP])
    await submit(conn, world.urls, Act(world.group, "move", world.mod, {"target": NEW_GROUP}))
    await conn.execute("DELETE FROM deliveries")
    # the Move reaches dee through the local inbox; the handler fetches the target fresh
    ctx.remote.get_actor = _stored(ctx.remote.get_actor)  # no network in this test
    await step(ctx)
    follows = await conn.fetch(
        "SELECT g.uri, f.state FROM follows f JOIN actors g ON g.id = f.followee_id"
        " WHERE f.follower_id = $1",
        members.dee.id,
    )
    assert [(r["uri"], r["state"]) for r in follows] == [(NEW_GROUP, "pending")]
    [(host, sent_follow)] = await sent(conn, "Follow")
    assert (host, sent_follow["actor"], sent_follow["object"]) == (
        "new.example",
        members.dee.uri,
        NEW_GROUP,
    )


def _stored(get_actor):
    async def without_refresh(uri: str, *, refresh: bool = False):
        return await get_actor(uri)

    return without_refresh


async def test_a_moved_group_refuses_posts_and_members_naming_its_new_address(
    client, ctx, world, members, conn
) -> None:
    await new_group(conn, aliases=[GROUP])
    await submit(conn, world.urls, Act(world.group, "move", world.mod, {"target": NEW_GROUP}))
    await conn.execute("DELETE FROM deliveries")
    note = {
        "id": f"{world.felix.uri}/statuses/9",
        "type": "Note",
        "attributedTo": world.felix.uri,
        "content": "<p>still here?</p>",
        "to": [GROUP],
    }
    create = {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": world.felix.uri,
        "object": note,
        "to": [GROUP],
    }
    stranger = await remote_actor(conn, "https://other.example/u/newbie", software="mastodon")
    join = {"id": f"{stranger.uri}/f", "type": "Follow", "actor": stranger.uri, "object": GROUP}
    await post_signed(client, "/inbox", create, world.felix)
    await post_signed(client, "/inbox", join, stranger)
    await step(ctx)
    rejects = {h: r for h, r in await sent(conn, "Reject")}
    expected = f"this community moved to @main@new.example ({NEW_GROUP})"
    assert rejects["mastodon.example"]["summary"] == expected
    assert rejects["other.example"]["summary"] == expected


async def test_a_second_moderator_must_agree(world, conn) -> None:
    bee = await create_user(conn, world.urls, "bee")
    await conn.execute(
        "INSERT INTO group_moderators (group_id, actor_id) VALUES ($1, $2)", world.group.id, bee.id
    )
    await new_group(conn, aliases=[GROUP])
    proposed = await submit(
        conn, world.urls, Act(world.group, "move", world.mod, {"target": NEW_GROUP})
    )
    assert isinstance(proposed, Proposed)
    assert (await get_local_actor(conn, "main")).moved_to_uri is None
    group = await get_local_actor(conn, "main")
    applied = await vote(conn, world.urls, group, proposed.proposal.id, bee, approve=True)
    assert isinstance(applied, Applied)
    assert (await get_local_actor(conn, "main")).moved_to_uri == NEW_GROUP


async def test_a_closed_group_lets_in_who_followed_it_where_it_was(
    client, ctx, world, conn
) -> None:
    old = "https://old.example/groups/main"
    await conn.execute(
        "UPDATE actors SET manually_approves_followers = true, also_known_as = $2 WHERE id = $1",
        world.group.id,
        [old],
    )
    group = await get_local_actor(conn, "main")
    await record_former_follower(conn, group, world.felix.uri, old, None)
    for actor in (world.felix, world.alpha):
        join = {"id": f"{actor.uri}/f", "type": "Follow", "actor": actor.uri, "object": GROUP}
        await post_signed(client, "/inbox", join, actor)
    await step(ctx)
    states = dict(
        await conn.fetch(
            "SELECT a.uri, f.state FROM follows f JOIN actors a ON a.id = f.follower_id"
        )
    )
    assert states == {world.felix.uri: "accepted", world.alpha.uri: "pending"}
    entry = await conn.fetchrow("SELECT * FROM modlog WHERE kind = 'admit_former_follower'")
    assert entry["reason"] == f"followed {old} before it moved here"
    assert entry["activity"]["type"] == "Accept"
    assert entry["activity"]["object"]["actor"] == world.felix.uri
    # the same Follow again is not logged twice
    again = {
        "id": f"{world.felix.uri}/f2",
        "type": "Follow",
        "actor": world.felix.uri,
        "object": GROUP,
    }
    await post_signed(client, "/inbox", again, world.felix)
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM modlog") == 1
    assert await find_actor_by_uri(conn, world.felix.uri) is not None


async def test_a_moved_groups_followers_stay_readable_for_90_days(client, world, conn) -> None:
    await new_group(conn, aliases=[GROUP])
    await submit(conn, world.urls, Act(world.group, "move", world.mod, {"target": NEW_GROUP}))
    headers = {"Accept": "application/activity+json"}
    assert (await client.get("/groups/main/followers", headers=headers)).status_code == 200
    await conn.execute(
        "UPDATE actors SET moved_at = now() - interval '91 days' WHERE id = $1", world.group.id
    )
    gone = await client.get("/groups/main/followers", headers=headers)
    assert gone.status_code == 410
    assert (await client.get("/groups/main/outbox", headers=headers)).status_code == 200
