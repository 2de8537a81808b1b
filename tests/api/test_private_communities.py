"""Issue 15: a private community's activities, log and collections answer only its members'
servers (signed GETs, even with authorized fetch off; 404 or an empty collection to anyone
else); its visibility is set through the moderators' API; moderators see which member servers
receive its posts; unlisted communities are left off the front page and search."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx

from community.actors import find_local_actor
from community.context import AppContext
from community.governance import add_moderator
from community.groups import create_group
from community.membership import record_ban
from community.urls import Urls
from tests.api.conftest import BASE, step
from tests.api.support import make_member
from tests.api.test_members_only import AS2, accepted, signed_get
from tests.api.test_members_only import world as world  # the fixture
from tests.inbox.support import remote_actor


async def a_private_thread(client: httpx.AsyncClient, ctx: AppContext, w: SimpleNamespace) -> None:
    posted = await client.post(
        "/api/v1/statuses",
        data={"status": "just us @club", "visibility": "public"},
        headers=w.alice,
    )
    assert posted.status_code == 200, posted.text
    await step(ctx)


async def test_a_private_communitys_activities_answer_its_members_servers_only(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    await a_private_thread(client, ctx, world)
    announce = await conn.fetchval("SELECT uri FROM activities WHERE type = 'Announce'")
    path = announce.removeprefix(BASE)
    assert (await client.get(path, headers=AS2)).status_code == 404
    for outsider in (world.felix, world.outsiders_server):
        assert (await client.get(path, headers=signed_get(path, outsider))).status_code == 404
    fetched = await client.get(path, headers=signed_get(path, world.members_server))
    assert fetched.status_code == 200
    assert "just us" in fetched.text
    outbox = "/groups/club/outbox"
    assert (await client.get(outbox, headers=AS2)).json()["totalItems"] == 0


async def test_a_private_communitys_log_is_for_its_members_servers(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    alice = await find_local_actor(conn, "alice")
    club = await find_local_actor(conn, "club")
    assert alice is not None
    assert club is not None
    await add_moderator(conn, club, alice)
    changed = await client.patch(
        "/api/v1/groups/club", data={"summary": "who we are"}, headers=world.alice
    )
    assert changed.status_code == 200, changed.text
    modlog = "/groups/club/modlog"
    assert (await client.get(modlog, headers=AS2)).json()["orderedItems"] == []
    outsiders = await client.get(modlog, headers=signed_get(modlog, world.outsiders_server))
    assert outsiders.json()["orderedItems"] == []
    members = await client.get(modlog, headers=signed_get(modlog, world.members_server))
    page = members.json()
    items = page.get("orderedItems") or []
    if not items:
        first = await client.get(
            page["first"].removeprefix(BASE),
            headers=signed_get(page["first"].removeprefix(BASE), world.members_server),
        )
        items = first.json()["orderedItems"]
    assert items, "the members' servers read the log"
    item = items[0]["id"].removeprefix(BASE)
    assert (await client.get(item, headers=AS2)).status_code == 404
    outsider = await client.get(item, headers=signed_get(item, world.outsiders_server))
    assert outsider.status_code == 404
    member = await client.get(item, headers=signed_get(item, world.members_server))
    assert member.status_code == 200


async def test_moderators_set_visibility_and_see_member_servers(
    client: httpx.AsyncClient, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    alice = await find_local_actor(conn, "alice")
    club = await find_local_actor(conn, "club")
    assert alice is not None
    assert club is not None
    assert (await client.get("/api/v1/groups/club/servers", headers=world.alice)).status_code == 403
    await add_moderator(conn, club, alice)
    await accepted(conn, world.felix.actor.id, club.id)
    servers = await client.get("/api/v1/groups/club/servers", headers=world.alice)
    assert servers.status_code == 200, servers.text
    by_domain = {s["domain"]: s for s in servers.json()}
    assert by_domain["member.example"]["receives_private_posts"] is True
    assert by_domain["outsider.example"]["receives_private_posts"] is False
    assert by_domain["outsider.example"]["reason"] == "microblog"
    shown = (await client.get("/api/v1/groups/club", headers=world.alice)).json()
    assert shown["visibility"] == "private"
    bad = await client.patch("/api/v1/groups/club", data={"visibility": "x"}, headers=world.alice)
    assert bad.status_code == 422
    made = await client.patch(
        "/api/v1/groups/club", data={"visibility": "unlisted"}, headers=world.alice
    )
    assert made.status_code == 200, made.text
    shown = (await client.get("/api/v1/groups/club", headers=world.alice)).json()
    assert shown["visibility"] == "unlisted"


async def test_the_group_page_tells_members_why_their_server_may_not_receive(
    client: httpx.AsyncClient, world: SimpleNamespace
) -> None:
    page = (await client.get("/groups/club", headers={"Accept": "text/html"})).text
    assert 'id="private-notice"' in page
    assert "lemmy 1.0 or later" in page


async def test_unlisted_and_private_communities_are_not_listed(
    client: httpx.AsyncClient, conn: asyncpg.Connection
) -> None:
    urls = Urls(BASE)
    await make_member(conn, urls, "reader")
    for name, visibility in (("plaza", "public"), ("nook", "unlisted"), ("den", "private")):
        await create_group(conn, urls, name, visibility=visibility)
    front = (await client.get("/", headers={"Accept": "text/html"})).text
    assert "plaza" in front
    assert "nook" not in front
    assert "den" in front, "a private community's profile is public: people ask to join"
    for prefix, expected in (("pla", {"plaza"}), ("noo", set()), ("de", {"den"})):
        found = (await client.get("/api/v2/search", params={"q": prefix})).json()["accounts"]
        assert {a["username"] for a in found} == expected, prefix
    exact = (await client.get("/api/v2/search", params={"q": "nook@social.test"})).json()
    assert [a["username"] for a in exact["accounts"]] == ["nook"]
    remote = await remote_actor(conn, "https://elsewhere.example/c/hidden", "Group")
    assert remote.actor.community_visibility == "public"


async def test_our_members_read_it_in_their_apps_and_no_one_else(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    await a_private_thread(client, ctx, world)
    club = await find_local_actor(conn, "club")
    assert club is not None
    path = f"/api/v1/timelines/group/{club.id}"
    alice = (await client.get(path, headers=world.alice)).json()
    assert any("just us" in (s["reblog"] or s)["content"] for s in alice)
    bob = (await client.get(path, headers=world.bob)).json()
    assert not any("just us" in (s["reblog"] or s)["content"] for s in bob)
    home = (await client.get("/api/v1/timelines/home", headers=world.alice)).json()
    assert any("just us" in (s["reblog"] or s)["content"] for s in home)


async def test_a_banned_member_and_their_server_are_outside(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    await a_private_thread(client, ctx, world)
    club = await find_local_actor(conn, "club")
    assert club is not None
    post_uri = await conn.fetchval("SELECT uri FROM posts WHERE content_html LIKE '%just us%'")
    path = post_uri.removeprefix(BASE)
    assert (await client.get(path, headers=signed_get(path, world.rita))).status_code == 200
    await record_ban(conn, club, world.rita.actor, "rude", None, f"{club.uri}/bans/1")
    for banned in (world.rita, world.members_server):
        assert (await client.get(path, headers=signed_get(path, banned))).status_code == 404


async def test_a_ban_ends_a_members_reading_even_with_their_follow_kept(
    client: httpx.AsyncClient, ctx: AppContext, conn: asyncpg.Connection, world: SimpleNamespace
) -> None:
    """A banned member may keep an accepted follow (Lemmy keeps it on purpose, to hear the
    unban): the timelines' queries ask the ban, not only the follow."""
    club = await find_local_actor(conn, "club")
    bob = await find_local_actor(conn, "bob")
    assert club is not None
    assert bob is not None
    await accepted(conn, bob.id, club.id)
    await a_private_thread(client, ctx, world)
    path = f"/api/v1/timelines/group/{club.id}"

    def shows(statuses: list[dict]) -> bool:
        return any("just us" in (s["reblog"] or s)["content"] for s in statuses)

    assert shows((await client.get(path, headers=world.bob)).json())
    assert shows((await client.get("/api/v1/timelines/home", headers=world.bob)).json())
    await record_ban(conn, club, bob, "rude", None, f"{club.uri}/bans/2")
    assert (
        await conn.fetchval(
            "SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2", bob.id, club.id
        )
        == "accepted"
    ), "the follow is kept"
    assert not shows((await client.get(path, headers=world.bob)).json())
    assert not shows((await client.get("/api/v1/timelines/home", headers=world.bob)).json())
    assert shows((await client.get(path, headers=world.alice)).json())
