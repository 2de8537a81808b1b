"""Members' accounts: the follows list and archive, aliases, an outgoing Move, a follows
import, and a deletion that federates (410 and a Tombstone after, the name never reused)."""

from __future__ import annotations

import io
import tarfile

import asyncpg
import orjson
import pytest

from community.accounts import SignInRefused, authenticate, create_user
from community.actors import get_local_actor
from community.errors import InvalidInput, NameTaken
from community.portability import account_archive, following_csv, read_follows_csv
from outbox.accounts import delete_account, import_follows, move_account, set_aliases
from outbox.actions import follow, publish
from tests.inbox.conftest import step
from tests.inbox.support import post_signed, remote_actor
from tests.portability.test_move import sent


async def followed_by_felix(client, ctx, world, person) -> None:
    follow_ = {
        "id": f"{world.felix.uri}/follows/{person.username}",
        "type": "Follow",
        "actor": world.felix.uri,
        "object": person.uri,
    }
    assert (await post_signed(client, "/inbox", follow_, world.felix)).status_code == 202
    await step(ctx)


def test_a_follows_list_reads_as_mastodon_writes_it() -> None:
    mastodon = "Account address,Show boosts,Notify on new posts,Languages\n"
    mastodon += "gargron@mastodon.social,true,false,\n@news@lemmy.example,true,false,en\n"
    assert read_follows_csv(mastodon) == ["gargron@mastodon.social", "news@lemmy.example"]
    assert read_follows_csv("a@one.example\n\na@one.example\nb@two.example\n") == [
        "a@one.example",
        "b@two.example",
    ]
    with pytest.raises(InvalidInput, match=r"line 2: 'https://x\.example/u' is not an account"):
        read_follows_csv("a@one.example\nhttps://x.example/u\n")


async def test_the_follows_list_and_the_archive(client, ctx, world, conn) -> None:
    amy = await create_user(conn, world.urls, "amy")
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        amy.id,
        world.group.id,
    )
    post = await publish(conn, world.urls, amy, "Hello there", group=world.group)
    assert await following_csv(conn, amy) == (
        "Account address,Show boosts,Notify on new posts,Languages\nmain@social.test,true,false,\n"
    )
    with tarfile.open(fileobj=io.BytesIO(await account_archive(conn, amy)), mode="r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    assert sorted(files) == ["actor.json", "following_accounts.csv", "likes.json", "outbox.json"]
    actor = orjson.loads(files["actor.json"])
    assert (actor["id"], actor["outbox"]) == (amy.uri, "outbox.json")
    outbox = orjson.loads(files["outbox.json"])
    assert outbox["type"] == "OrderedCollection"
    assert [(i["type"], i["object"]["id"]) for i in outbox["orderedItems"]] == [
        ("Create", post.uri)
    ]
    assert "@context" not in outbox["orderedItems"][0]


async def test_aliases_and_a_move_to_an_account_that_names_this_one(
    client, ctx, world, conn
) -> None:
    old = await create_user(conn, world.urls, "old_me")
    new = await create_user(conn, world.urls, "new_me")
    fan = await create_user(conn, world.urls, "fan")
    await followed_by_felix(client, ctx, world, old)
    await follow(conn, world.urls, fan, old)
    await step(ctx)
    await conn.execute("DELETE FROM deliveries")
    with pytest.raises(InvalidInput, match=r"does not list .* in alsoKnownAs"):
        await move_account(ctx, conn, old, "new_me")
    new = await set_aliases(conn, world.urls, new, [old])
    assert new.also_known_as == (old.uri,)
    moved = await move_account(ctx, conn, old, "new_me")
    assert moved.moved_to_uri == new.uri
    [(host, move)] = await sent(conn, "Move")
    assert (host, move["actor"], move["object"], move["target"]) == (
        "mastodon.example",
        old.uri,
        old.uri,
        new.uri,
    )
    [(_, update)] = await sent(conn, "Update")
    assert update["object"]["movedTo"] == new.uri
    await step(ctx)
    followed = await conn.fetch(
        "SELECT g.username, f.state FROM follows f JOIN actors g ON g.id = f.followee_id"
        " WHERE f.follower_id = $1",
        fan.id,
    )
    assert [(r["username"], r["state"]) for r in followed] == [("new_me", "accepted")]
    document = await client.get("/users/new_me", headers={"Accept": "application/activity+json"})
    assert document.json()["alsoKnownAs"] == [old.uri]


async def test_a_follows_import_follows_and_says_what_it_could_not(ctx, world, conn) -> None:
    amy = await create_user(conn, world.urls, "amy")
    done = await import_follows(ctx, conn, amy, ["main@social.test", "ghost@social.test"])
    assert done.followed == ["main@social.test"]
    assert done.failed == ["ghost@social.test: no person or group named 'ghost' here"]
    await step(ctx)
    assert (
        await conn.fetchval("SELECT state FROM follows WHERE follower_id = $1", amy.id)
        == "accepted"
    )


async def test_a_deleted_account_is_gone_everywhere_and_its_name_stays_taken(
    client, ctx, world, conn: asyncpg.Connection
) -> None:
    zoe = await create_user(conn, world.urls, "zoe", password="a long enough password")
    await followed_by_felix(client, ctx, world, zoe)
    lemmy_group = await remote_actor(conn, "https://ds9.lemmy.example/c/news", "Group")
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        zoe.id,
        lemmy_group.actor.id,
    )
    post = await publish(conn, world.urls, zoe, "Soon gone")
    await conn.execute("DELETE FROM deliveries")

    told = await delete_account(conn, world.urls, zoe)
    assert told == 2
    deletions = await sent(conn, "Delete")
    assert {host for host, _ in deletions} == {"mastodon.example", "ds9.lemmy.example"}
    deletion = deletions[0][1]
    assert (deletion["actor"], deletion["object"], deletion["removeData"]) == (
        zoe.uri,
        zoe.uri,
        True,
    )
    response = await client.get("/users/zoe", headers={"Accept": "application/activity+json"})
    assert response.status_code == 410
    assert response.json()["type"] == "Tombstone"
    assert response.json()["formerType"] == "Person"
    finger = await client.get("/.well-known/webfinger?resource=acct:zoe@social.test")
    assert finger.status_code == 410
    as2 = {"Accept": "application/activity+json"}
    gone = await client.get(post.uri.removeprefix("https://social.test"), headers=as2)
    assert gone.status_code == 410
    with pytest.raises(NameTaken):
        await create_user(conn, world.urls, "ZOE")
    with pytest.raises(SignInRefused):
        await authenticate(conn, "zoe", "a long enough password")
    assert (await get_local_actor(conn, "zoe")).deleted_at is not None
    assert await conn.fetchval("SELECT count(*) FROM follows") == 0
