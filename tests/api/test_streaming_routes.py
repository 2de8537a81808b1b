"""Who hears what: the in-process app's hub, fed by its own LISTEN, routes each event to the
clients it reaches, filtered and rendered for each (clients are attached to the hub directly;
the protocol itself is tested on real processes in test_streaming.py)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import asyncpg
import httpx
import orjson

from community.context import AppContext
from community.posts import find_post_by_id, update_post
from fediverse.api.streaming.clients import Client, Frame, Stream
from fediverse.api.streaming.hub import Hub
from fediverse.web.state import state_of
from tests.api.conftest import step
from tests.api.support import make_member
from tests.api.test_safety import account_id
from tests.api.test_statuses import join, post_status


def hub_of(client: httpx.AsyncClient) -> Hub:
    return state_of(client.app).streams


def listen(hub: Hub, viewer_id: int, *streams: Stream, notifications: bool = True) -> Client:
    listener = Client(viewer_id, notifications=notifications)
    hub.index.connect(listener)
    for stream in streams:
        hub.index.subscribe(listener, stream)
    return listener


async def drain(listener: Client, settle: float = 0.4) -> list[tuple[tuple[str, ...], str, object]]:
    """What reached the client (payloads parsed), once nothing more arrives for ``settle`` s."""
    got: list[Frame] = []
    while True:
        try:
            got.append(await asyncio.wait_for(listener.queue.get(), settle))
        except TimeoutError:
            break
    return [(s, e, p if e == "delete" else orjson.loads(p)) for s, e, p in got]


USER = Stream("user", "", ("user",))
LOCAL = Stream("public:local", "", ("public:local",))
PUBLIC = Stream("public", "", ("public",))


def kinds(frames: list[tuple[tuple[str, ...], str, object]]) -> list[tuple[tuple[str, ...], str]]:
    return [(stream, event) for stream, event, _ in frames]


async def test_posts_reach_public_tag_and_home_streams_by_their_visibility(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice, bob = await account_id(conn, "alice"), await account_id(conn, "bob")
    await client.post(f"/api/v1/accounts/{bob}/follow", headers=town.alice)
    await step(ctx)
    hub = hub_of(client)
    tag = Stream("hashtag", "plants", ("hashtag", "Plants"))
    follower = listen(hub, alice, USER, LOCAL, PUBLIC, tag)
    stranger = listen(hub, await account_id(conn, "garden"), USER, LOCAL)

    shown = await post_status(client, town.bob, status="#plants rock")
    got = await drain(follower)
    assert kinds(got) == [
        (("public",), "update"),
        (("public:local",), "update"),
        (("hashtag", "Plants"), "update"),
        (("user",), "update"),
    ]
    assert {p["id"] for _, _, p in got} == {shown["id"]}  # type: ignore[index]
    assert kinds(await drain(stranger)) == [(("public:local",), "update")]

    await post_status(client, town.bob, status="quiet", visibility="unlisted")
    await post_status(client, town.bob, status="friends", visibility="private")
    assert kinds(await drain(follower)) == [(("user",), "update")] * 2
    assert await drain(stranger) == []

    secret = await post_status(client, town.bob, status="@alice psst", visibility="direct")
    got = await drain(follower)
    assert [(s, e, p["id"]) for s, e, p in got] == [(("user",), "update", secret["id"])]  # type: ignore[index]
    assert await drain(stranger) == []


async def test_a_groups_share_reaches_its_members_home_and_list(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    gid = town.garden.id
    for member in (town.alice, town.bob):
        await join(client, ctx, member, gid)
    hub = hub_of(client)
    alice = await account_id(conn, "alice")
    member = listen(hub, alice, USER, Stream("list", str(gid), ("list", str(gid))))
    posted = await post_status(client, town.bob, status="@garden seedlings")
    await step(ctx)
    got = await drain(member)
    assert sorted(kinds(got)) == [(("list", str(gid)), "update"), (("user",), "update")]
    for _, _, status in got:
        assert status["reblog"]["id"] == posted["id"]  # type: ignore[index]
        assert status["account"]["group"] is True  # type: ignore[index]


async def test_blocks_and_mutes_filter_each_client(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice, bob = await account_id(conn, "alice"), await account_id(conn, "bob")
    hub = hub_of(client)
    watcher = listen(hub, alice, LOCAL)
    await client.post(f"/api/v1/accounts/{bob}/mute", headers=town.alice)
    await post_status(client, town.bob, status="muted words")
    assert await drain(watcher) == []
    await client.post(f"/api/v1/accounts/{bob}/unmute", headers=town.alice)
    await client.post(f"/api/v1/accounts/{alice}/block", headers=town.bob)  # bob blocks alice
    await post_status(client, town.bob, status="not for alice")
    assert await drain(watcher) == []
    await client.post(f"/api/v1/accounts/{alice}/unblock", headers=town.bob)
    await post_status(client, town.bob, status="hello again")
    assert kinds(await drain(watcher)) == [(("public:local",), "update")]


async def test_notifications_need_their_scope_on_the_user_stream(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice = await account_id(conn, "alice")
    hub = hub_of(client)
    reader = listen(hub, alice, USER, notifications=True)
    statuses_only = listen(hub, alice, USER, notifications=False)
    bell = listen(hub, alice, Stream("user:notification", "", ("user:notification",)))
    hers = await post_status(client, town.alice, status="like me")
    await drain(reader)
    await drain(statuses_only)
    await client.post(f"/api/v1/statuses/{hers['id']}/favourite", headers=town.bob)
    await step(ctx)
    got = await drain(bell)
    assert [(s, e, p["type"]) for s, e, p in got] == [  # type: ignore[index]
        (("user:notification",), "notification", "favourite")
    ]
    assert kinds(await drain(reader)) == [(("user",), "notification")]
    assert await drain(statuses_only) == []


async def test_edits_and_deletions_follow_the_post_and_its_shares(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice, bob = await account_id(conn, "alice"), await account_id(conn, "bob")
    carol_token = await make_member(conn, town.urls, "carol")
    carol = await account_id(conn, "carol")
    await client.post(f"/api/v1/accounts/{bob}/follow", headers=town.alice)
    await client.post(f"/api/v1/accounts/{alice}/follow", headers=carol_token)
    await step(ctx)
    hub = hub_of(client)
    watcher = listen(hub, alice, USER, LOCAL)
    fan = listen(hub, carol, USER)
    status = await post_status(client, town.bob, status="typo")
    await drain(watcher)
    post = await find_post_by_id(conn, int(status["id"]))
    assert post is not None
    await update_post(conn, post, {**post.raw, "content": "<p>fixed</p>"})
    got = await drain(watcher)
    assert kinds(got) == [(("public:local",), "status.update"), (("user",), "status.update")]
    assert got[0][2]["content"] == "<p>fixed</p>"  # type: ignore[index]

    shared = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=town.alice)
    share = shared.json()
    got = await drain(fan)
    assert [(s, e, p["id"], p["reblog"]["id"]) for s, e, p in got] == [  # type: ignore[index]
        (("user",), "update", share["id"], status["id"])
    ]
    await client.post(f"/api/v1/statuses/{status['id']}/unreblog", headers=town.alice)
    assert await drain(fan) == [(("user",), "delete", share["id"])]

    deleted = await client.delete(f"/api/v1/statuses/{status['id']}", headers=town.bob)
    assert deleted.status_code == 200
    got = await drain(watcher)
    assert sorted(got) == [
        (("public:local",), "delete", status["id"]),
        (("user",), "delete", status["id"]),
    ]
