"""Issue 11, class 10: a private (closed) group's posts stay among its members, on every path.

alice is a member of the closed group ``club``; bob is not, but follows alice, and so does
``outsider.example``'s felix. ``member.example`` has a member (rita) and a server actor;
``outsider.example`` has a server actor too. Each way a post gets in (the CLI, the client API,
C2S, a remote member's post addressed to the public) leaves it members-only: not delivered to
followers, not listed, not served unsigned, not counted, not on public or tag timelines or in
search, not shown to bob; served to the members' servers that ask with a signed GET.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from community.actors import find_local_actor
from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from federation.cavage import sign_headers
from tests.api.conftest import BASE, step
from tests.api.support import make_member
from tests.helpers import clean_env, run_cli
from tests.inbox.support import RemoteActor, post_signed, remote_actor

AS2 = {"Accept": "application/activity+json"}
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CLUB = f"{BASE}/groups/club"


async def accepted(conn: asyncpg.Connection, follower_id: int, followee_id: int) -> None:
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        follower_id,
        followee_id,
    )


@pytest.fixture
async def world(client: httpx.AsyncClient, conn: asyncpg.Connection) -> SimpleNamespace:
    urls = Urls(BASE)
    alice, bob = await make_member(conn, urls, "alice"), await make_member(conn, urls, "bob")
    club = await create_group(conn, urls, "club", closed=True)
    alice_actor = await find_local_actor(conn, "alice")
    bob_actor = await find_local_actor(conn, "bob")
    assert alice_actor is not None
    assert bob_actor is not None
    rita = await remote_actor(conn, "https://member.example/users/rita", software="lemmy")
    # a Lemmy that keeps private communities private (community/software.py)
    await conn.execute(
        "UPDATE instances SET software_version = '1.0.0' WHERE domain = $1", "member.example"
    )
    felix = await remote_actor(conn, "https://outsider.example/users/felix", software="mastodon")
    members_server = await remote_actor(conn, "https://member.example/actor", "Application")
    outsiders_server = await remote_actor(conn, "https://outsider.example/actor", "Application")
    for member in (alice_actor, rita.actor):
        await accepted(conn, member.id, club.id)
    for follower in (bob_actor, felix.actor):
        await accepted(conn, follower.id, alice_actor.id)
    return SimpleNamespace(
        alice=alice,
        bob=bob,
        club=club,
        rita=rita,
        felix=felix,
        members_server=members_server,
        outsiders_server=outsiders_server,
    )


def signed_get(path: str, signer: RemoteActor) -> dict[str, str]:
    headers = dict(AS2)
    headers.update(
        sign_headers(
            "GET", BASE + path, headers, None, signer.key_id, signer.private_key, datetime.now(UTC)
        )
    )
    return headers


async def the_post(conn: asyncpg.Connection, text: str) -> asyncpg.Record:
    row = await conn.fetchrow("SELECT * FROM posts WHERE content_html LIKE '%' || $1 || '%'", text)
    assert row is not None
    return row


async def assert_kept_among_members(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: SimpleNamespace, text: str
) -> dict[str, Any]:
    """Every way an outsider could see or receive the post with ``text``: none works."""
    post = await the_post(conn, text)
    assert post["visibility"] == "members"
    status_id = str(post["id"])
    public = (await client.get("/api/v1/timelines/public")).json()
    assert status_id not in {s["id"] for s in public}
    tagged = (await client.get("/api/v1/timelines/tag/secret")).json()
    assert status_id not in {s["id"] for s in tagged}
    found = await client.get(
        "/api/v2/search", params={"q": post["uri"], "resolve": "true"}, headers=world.bob
    )
    assert found.json()["statuses"] == []
    assert (await client.get(f"/api/v1/statuses/{status_id}")).status_code == 404
    shown = await client.get(f"/api/v1/statuses/{status_id}", headers=world.bob)
    assert shown.status_code == 404
    home = (await client.get("/api/v1/timelines/home", headers=world.bob)).json()
    assert status_id not in {s["id"] for s in home}, "bob follows alice, not the club"
    page = (await client.get(CLUB, headers={"Accept": "text/html"})).text
    assert text not in page
    return dict(post)


async def assert_our_post_kept_among_members(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: SimpleNamespace, text: str
) -> None:
    """What only our own posts have: deliveries, the activity, the outbox, NodeInfo, and the
    object route (served to the members' servers, 404 to anyone else)."""
    post = await assert_kept_among_members(client, conn, world, text)
    create = await conn.fetchrow(
        "SELECT * FROM activities WHERE type = 'Create' AND object_uri = $1", post["uri"]
    )
    assert not create["public"]
    body = orjson.loads(create["body"])
    assert AS_PUBLIC not in body["to"] + body["cc"]
    hosts = {r["host"] for r in await conn.fetch("SELECT host FROM deliveries")}
    assert "outsider.example" not in hosts, "felix follows alice, not the club"
    activity_path = create["uri"].removeprefix(BASE)
    assert (await client.get(activity_path, headers=AS2)).status_code == 404
    outbox = (await client.get(f"{BASE}/users/alice/outbox", headers=AS2)).json()
    assert outbox["totalItems"] == 0
    assert outbox["orderedItems"] == []
    nodeinfo = (await client.get("/nodeinfo/2.1")).json()
    assert nodeinfo["usage"]["localPosts"] == 0
    object_path = post["uri"].removeprefix(BASE)
    assert (await client.get(object_path, headers=AS2)).status_code == 404
    forged = {**AS2, "Signature": 'keyId="https://nowhere.invalid/k",signature="eA=="'}
    assert (await client.get(object_path, headers=forged)).status_code == 404
    for outsider in (world.felix, world.outsiders_server):
        refused = await client.get(object_path, headers=signed_get(object_path, outsider))
        assert refused.status_code == 404
    for entitled in (world.rita, world.members_server):
        fetched = await client.get(object_path, headers=signed_get(object_path, entitled))
        assert fetched.status_code == 200, fetched.text
        assert fetched.json()["id"] == post["uri"]


async def test_the_cli_post_into_a_closed_group(
    client: httpx.AsyncClient,
    ctx: AppContext,
    conn: asyncpg.Connection,
    world: SimpleNamespace,
    database_url: str,
    tmp_path: Path,
) -> None:
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")
    args = ("member", "post", "alice", "members only #secret", "--group", "@club@social.test")
    done = run_cli(*args, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    await step(ctx)
    await assert_our_post_kept_among_members(client, conn, world, "members only")
    announce = await conn.fetchrow("SELECT * FROM activities WHERE type = 'Announce'")
    assert announce is not None, "the group re-shared it to its members"
    assert not announce["public"]
    alice_home = (await client.get("/api/v1/timelines/home", headers=world.alice)).json()
    assert any("members only" in s["content"] for s in alice_home)
    await conn.execute("UPDATE posts SET pinned = true")  # the club's featured collection
    featured = "/groups/club/featured"
    assert (await client.get(featured, headers=AS2)).json()["orderedItems"] == []
    outsiders = await client.get(featured, headers=signed_get(featured, world.outsiders_server))
    assert outsiders.json()["orderedItems"] == []
    members = await client.get(featured, headers=signed_get(featured, world.members_server))
    pinned = members.json()["orderedItems"]
    assert len(pinned) == 1
    assert "members only" in pinned[0]["content"]


async def test_a_client_api_post_asking_for_public(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    posted = await client.post(
        "/api/v1/statuses",
        data={"status": "for the club @club #secret", "visibility": "public"},
        headers=world.alice,
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["visibility"] == "private"
    await step(ctx)
    await assert_our_post_kept_among_members(client, conn, world, "for the club")
    mine = await client.get(f"/api/v1/statuses/{posted.json()['id']}", headers=world.alice)
    assert mine.status_code == 200
    # its deletion goes where the post went, and no further
    path = f"/api/v1/statuses/{posted.json()['id']}"
    assert (await client.delete(path, headers=world.alice)).status_code == 200
    delete = await conn.fetchrow("SELECT * FROM activities WHERE type = 'Delete'")
    assert not delete["public"]
    assert orjson.loads(delete["body"])["to"] == [CLUB]
    hosts = {r["host"] for r in await conn.fetch("SELECT host FROM deliveries")}
    assert "outsider.example" not in hosts


async def test_a_c2s_create_addressed_to_the_public(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    note = {
        "type": "Note",
        "content": "<p>c2s to the club #secret</p>",
        "to": [AS_PUBLIC],
        "cc": [CLUB],
        "tag": [{"type": "Hashtag", "name": "#secret"}],
    }
    sent = await client.post(
        "/users/alice/outbox",
        content=orjson.dumps({"type": "Create", "object": note, "to": [AS_PUBLIC], "cc": [CLUB]}),
        headers={**world.alice, "Content-Type": "application/activity+json"},
    )
    assert sent.status_code == 201, sent.text
    await step(ctx)
    await assert_our_post_kept_among_members(client, conn, world, "c2s to the club")


async def test_a_remote_members_post_addressed_to_the_public(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    rita = world.rita.uri
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{rita}/creates/1",
        "type": "Create",
        "actor": rita,
        "to": [AS_PUBLIC],
        "cc": [CLUB],
        "object": {
            "id": f"{rita}/notes/1",
            "type": "Note",
            "attributedTo": rita,
            "content": "<p>from rita #secret</p>",
            "to": [AS_PUBLIC],
            "cc": [CLUB],
            "audience": CLUB,
            "tag": [{"type": "Hashtag", "name": "#secret", "href": f"{BASE}/tags/secret"}],
        },
    }
    assert (await post_signed(client, "/inbox", create, world.rita)).status_code == 202
    await step(ctx)
    await assert_kept_among_members(client, conn, world, "from rita")
    alice_home = (await client.get("/api/v1/timelines/home", headers=world.alice)).json()
    shared = [s["reblog"]["content"] for s in alice_home if s["reblog"]]
    assert any("from rita" in content for content in shared), "members see it, from the club"


async def test_a_post_into_a_closed_group_elsewhere(
    client: httpx.AsyncClient,
    conn: asyncpg.Connection,
    world: SimpleNamespace,
    database_url: str,
    tmp_path: Path,
) -> None:
    """``fediverse member post alice TEXT --group @closed@host`` for a group on another server:
    the Create goes to that group alone, and is stored members-only."""
    remote = await remote_actor(conn, "https://groups.example/c/closed", "Group")
    await conn.execute(
        "UPDATE actors SET manually_approves_followers = true, community_visibility = 'private'"
        " WHERE id = $1",
        remote.actor.id,
    )
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")
    args = ("member", "post", "alice", "elsewhere #secret", "--group", "@closed@groups.example")
    done = run_cli(*args, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    hosts = {r["host"] for r in await conn.fetch("SELECT host FROM deliveries")}
    assert hosts == {"groups.example"}
    post = await the_post(conn, "elsewhere")
    assert post["visibility"] == "members"
    create = await conn.fetchrow("SELECT * FROM activities WHERE type = 'Create'")
    assert not create["public"]
    assert orjson.loads(create["body"])["to"] == [remote.uri]
