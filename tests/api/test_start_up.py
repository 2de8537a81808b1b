"""What apps call on start and used to get empty answers or 404s for: bookmarks, the
favourites list, markers, conversations, the lists an account is on, followed tags (and the
home timeline they feed), and mutes of a thread."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx

from community.context import AppContext
from tests.api.conftest import step
from tests.api.test_safety import account_id, timeline
from tests.api.test_statuses import join, post_status


async def test_bookmarks_and_favourites_are_listed_newest_saved_first(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    first = await post_status(client, town.bob, status="first")
    second = await post_status(client, town.bob, status="second")
    for status in (second, first):
        marked = await client.post(f"/api/v1/statuses/{status['id']}/bookmark", headers=town.alice)
        assert marked.json()["bookmarked"] is True
        await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=town.alice)
    await step(ctx)
    saved = await client.get("/api/v1/bookmarks", headers=town.alice)
    assert [s["id"] for s in saved.json()] == [first["id"], second["id"]]
    assert 'rel="next"' in saved.headers["link"]
    liked = (await client.get("/api/v1/favourites", headers=town.alice)).json()
    assert [s["id"] for s in liked] == [first["id"], second["id"]]
    assert all(s["favourited"] and s["bookmarked"] for s in liked)
    page = await client.get("/api/v1/bookmarks", headers=town.alice, params={"limit": 1})
    assert [s["id"] for s in page.json()] == [first["id"]]

    unmarked = await client.post(f"/api/v1/statuses/{first['id']}/unbookmark", headers=town.alice)
    assert unmarked.json()["bookmarked"] is False
    saved = (await client.get("/api/v1/bookmarks", headers=town.alice)).json()
    assert [s["id"] for s in saved] == [second["id"]]
    assert (await client.get("/api/v1/bookmarks", headers=town.bob)).json() == []
    missing = await client.post("/api/v1/statuses/999999/bookmark", headers=town.alice)
    assert missing.status_code == 404


async def test_markers_are_saved_by_one_app_and_read_by_another(
    client: httpx.AsyncClient, town: SimpleNamespace
) -> None:
    assert (await client.get("/api/v1/markers", headers=town.alice)).json() == {}
    saved = await client.post(
        "/api/v1/markers", headers=town.alice, data={"home[last_read_id]": "103"}
    )
    assert saved.json()["home"]["last_read_id"] == "103"
    assert saved.json()["home"]["version"] == 0
    again = await client.post(
        "/api/v1/markers",
        headers=town.alice,
        json={"home": {"last_read_id": "110"}, "notifications": {"last_read_id": "7"}},
    )
    assert again.json()["home"]["version"] == 1
    read = await client.get(
        "/api/v1/markers",
        headers=town.alice,
        params=[("timeline[]", "home"), ("timeline[]", "notifications")],
    )
    assert {k: v["last_read_id"] for k, v in read.json().items()} == {
        "home": "110",
        "notifications": "7",
    }
    assert (await client.get("/api/v1/markers", headers=town.bob)).json() == {}
    bad = await client.post("/api/v1/markers", headers=town.alice, data={"home[last_read_id]": "x"})
    assert bad.status_code == 422


async def test_direct_messages_are_conversations_read_and_removed(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    hello = await post_status(client, town.alice, status="@bob psst", visibility="direct")
    await post_status(client, town.alice, status="a public note")
    talks = (await client.get("/api/v1/conversations", headers=town.bob)).json()
    assert len(talks) == 1
    talk = talks[0]
    assert (talk["unread"], talk["last_status"]["id"]) == (True, hello["id"])
    assert [a["username"] for a in talk["accounts"]] == ["alice"]
    mine = (await client.get("/api/v1/conversations", headers=town.alice)).json()
    assert (mine[0]["id"], mine[0]["unread"]) == (talk["id"], False)
    assert [a["username"] for a in mine[0]["accounts"]] == ["bob"]

    read = await client.post(f"/api/v1/conversations/{talk['id']}/read", headers=town.bob)
    assert read.json()["unread"] is False
    assert (await client.get("/api/v1/conversations", headers=town.bob)).json()[0][
        "unread"
    ] is False

    answer = await post_status(
        client, town.bob, status="@alice sure", visibility="direct", in_reply_to_id=hello["id"]
    )
    mine = (await client.get("/api/v1/conversations", headers=town.alice)).json()
    assert [(t["id"], t["last_status"]["id"], t["unread"]) for t in mine] == [
        (talk["id"], answer["id"], True)
    ]
    removed = await client.delete(f"/api/v1/conversations/{talk['id']}", headers=town.alice)
    assert removed.json() == {}
    assert (await client.get("/api/v1/conversations", headers=town.alice)).json() == []
    again = await client.post(f"/api/v1/conversations/{talk['id']}/read", headers=town.alice)
    assert again.status_code == 404
    still = await client.post(f"/api/v1/conversations/{talk['id']}/read", headers=town.bob)
    assert still.status_code == 200  # removed by alice, not by bob


async def test_the_lists_an_account_is_on_are_the_groups_one_follows(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    gid = town.garden.id
    path = f"/api/v1/accounts/{gid}/lists"
    assert (await client.get(path, headers=town.alice)).json() == []
    await join(client, ctx, town.alice, gid)
    assert [entry["id"] for entry in (await client.get(path, headers=town.alice)).json()] == [
        str(gid)
    ]
    bob = await account_id(conn, "bob")
    assert (await client.get(f"/api/v1/accounts/{bob}/lists", headers=town.alice)).json() == []
    missing = await client.get("/api/v1/accounts/99999/lists", headers=town.alice)
    assert missing.status_code == 404


async def test_followed_tags_bring_public_posts_into_home(
    client: httpx.AsyncClient, town: SimpleNamespace
) -> None:
    shown = (await client.get("/api/v1/tags/Plants", headers=town.alice)).json()
    assert (shown["name"], shown["following"]) == ("plants", False)
    followed = await client.post("/api/v1/tags/Plants/follow", headers=town.alice)
    assert followed.json()["following"] is True
    assert [
        t["name"] for t in (await client.get("/api/v1/followed_tags", headers=town.alice)).json()
    ] == ["plants"]
    tagged = await post_status(client, town.bob, status="Sowing #plants today")
    untagged = await post_status(client, town.bob, status="Nothing to see")
    quiet = await post_status(client, town.bob, status="#plants", visibility="unlisted")
    home = await timeline(client, "/api/v1/timelines/home", town.alice)
    assert tagged["id"] in home
    assert untagged["id"] not in home
    assert quiet["id"] not in home
    either = await client.get(
        "/api/v1/timelines/tag/nothing", params=[("any[]", "plants"), ("none[]", "sowing")]
    )
    assert [s["id"] for s in either.json()] == [tagged["id"]]

    unfollowed = await client.post("/api/v1/tags/plants/unfollow", headers=town.alice)
    assert unfollowed.json()["following"] is False
    assert tagged["id"] not in await timeline(client, "/api/v1/timelines/home", town.alice)
    assert (await client.get("/api/v1/tags/no%20tag")).status_code == 404
    assert (await client.get("/api/v1/tags/1234")).status_code == 404


async def test_a_muted_thread_stops_mentions_and_shows_muted(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    hers = await post_status(client, town.alice, status="a long thread")
    await post_status(client, town.bob, status="first reply", in_reply_to_id=hers["id"])
    await step(ctx)
    assert len((await client.get("/api/v1/notifications", headers=town.alice)).json()) == 1
    muted = await client.post(f"/api/v1/statuses/{hers['id']}/mute", headers=town.alice)
    assert muted.json()["muted"] is True
    assert (await client.get("/api/v1/notifications", headers=town.alice)).json() == []
    unmuted = await client.post(f"/api/v1/statuses/{hers['id']}/unmute", headers=town.alice)
    assert unmuted.json()["muted"] is False
    assert len((await client.get("/api/v1/notifications", headers=town.alice)).json()) == 1
