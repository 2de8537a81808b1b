"""The client API in one process: a member joins a local group, posts into it, sees its
announce, replies, favourites, gets notified, deletes; and refusals change nothing."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.context import AppContext
from tests.api.conftest import step


async def post_status(client: httpx.AsyncClient, headers: dict[str, str], **data: object):
    response = await client.post("/api/v1/statuses", headers=headers, json=data)
    assert response.status_code == 200, response.text
    return response.json()


async def join(client: httpx.AsyncClient, ctx: AppContext, headers: dict[str, str], group_id: int):
    asked = await client.post(f"/api/v1/accounts/{group_id}/follow", headers=headers)
    assert asked.status_code == 200, asked.text
    assert asked.json()["requested"] is True
    await step(ctx)
    rel = await client.get(
        "/api/v1/accounts/relationships", headers=headers, params={"id[]": str(group_id)}
    )
    assert rel.json()[0]["following"] is True


async def test_a_member_posts_into_a_local_group_and_sees_its_announce(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    gid = town.garden.id
    found = await client.get(
        "/api/v2/search", headers=town.alice, params={"q": "@garden@social.test", "resolve": "true"}
    )
    assert found.json()["accounts"][0]["id"] == str(gid)
    assert found.json()["accounts"][0]["group"] is True
    for member in (town.alice, town.bob):
        await join(client, ctx, member, gid)

    status = await post_status(
        client, town.alice, status="@garden Hello #plants", language="en", spoiler_text="greens"
    )
    assert [m["acct"] for m in status["mentions"]] == ["garden"]
    assert status["tags"][0]["name"] == "plants"
    assert status["spoiler_text"] == "greens"
    assert status["language"] == "en"
    assert 'class="u-url mention"' in status["content"]
    await step(ctx)

    home = (await client.get("/api/v1/timelines/home", headers=town.bob)).json()
    shared = next(s for s in home if s["reblog"] is not None)
    assert shared["account"]["group"] is True
    assert shared["reblog"]["id"] == status["id"]
    assert shared["id"] != status["id"]
    lists = (await client.get("/api/v1/lists", headers=town.bob)).json()
    assert lists == [
        {"id": str(gid), "title": "Garden club", "replies_policy": "list", "exclusive": False}
    ]
    listed = (await client.get(f"/api/v1/timelines/list/{gid}", headers=town.bob)).json()
    assert [s["reblog"]["id"] for s in listed] == [status["id"]]
    shown = (await client.get(f"/api/v1/statuses/{shared['id']}", headers=town.bob)).json()
    assert shown["reblog"]["id"] == status["id"]

    reply = await post_status(client, town.bob, status="Lovely!", in_reply_to_id=status["id"])
    assert reply["in_reply_to_id"] == status["id"]
    faved = await client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=town.bob)
    assert faved.json()["favourited"] is True
    await step(ctx)
    shown = (await client.get(f"/api/v1/statuses/{status['id']}", headers=town.alice)).json()
    assert shown["favourites_count"] == 1
    assert shown["replies_count"] == 1
    thread = (await client.get(f"/api/v1/statuses/{status['id']}/context")).json()
    assert [s["id"] for s in thread["descendants"]] == [reply["id"]]

    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    kinds = {(n["type"], n["account"]["username"]) for n in notes}
    assert {("mention", "bob"), ("favourite", "bob")} <= kinds
    only = await client.get(
        "/api/v1/notifications", headers=town.alice, params={"types[]": "favourite"}
    )
    assert [n["type"] for n in only.json()] == ["favourite"]

    local = (await client.get("/api/v1/timelines/public", params={"local": "true"})).json()
    assert status["id"] in [s["id"] for s in local]
    tagged = (await client.get("/api/v1/timelines/tag/Plants")).json()
    assert [s["id"] for s in tagged] == [status["id"]]

    deleted = await client.delete(f"/api/v1/statuses/{status['id']}", headers=town.alice)
    assert deleted.json()["text"] == "@garden Hello #plants"
    await step(ctx)
    gone = await client.get(f"/api/v1/statuses/{status['id']}", headers=town.bob)
    assert gone.status_code == 404
    assert gone.json() == {"error": "Record not found"}
    home = (await client.get("/api/v1/timelines/home", headers=town.bob)).json()
    assert all((s["reblog"] or s)["id"] != status["id"] for s in home)


async def test_a_group_follow_notifies_no_one_but_a_person_follow_does(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice_id = await conn.fetchval("SELECT id FROM actors WHERE username = 'alice'")
    await client.post(f"/api/v1/accounts/{alice_id}/follow", headers=town.bob)
    await step(ctx)
    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    assert [(n["type"], n["account"]["acct"]) for n in notes] == [("follow", "bob")]
    followers = (await client.get(f"/api/v1/accounts/{alice_id}/followers")).json()
    assert [a["username"] for a in followers] == ["bob"]
    undone = await client.post(f"/api/v1/accounts/{alice_id}/unfollow", headers=town.bob)
    assert undone.json()["following"] is False


async def test_home_timeline_pages_with_link_headers(
    client: httpx.AsyncClient, town: SimpleNamespace
) -> None:
    made = [await post_status(client, town.alice, status=f"note {i}") for i in range(3)]
    first = await client.get("/api/v1/timelines/home", headers=town.alice, params={"limit": 2})
    assert [s["id"] for s in first.json()] == [made[2]["id"], made[1]["id"]]
    link = first.headers["link"]
    assert f"max_id={made[1]['id']}" in link
    assert f"min_id={made[2]['id']}" in link
    older = await client.get(
        "/api/v1/timelines/home", headers=town.alice, params={"limit": 2, "max_id": made[1]["id"]}
    )
    assert [s["id"] for s in older.json()] == [made[0]["id"]]
    newer = await client.get(
        "/api/v1/timelines/home", headers=town.alice, params={"min_id": made[0]["id"], "limit": 1}
    )
    assert [s["id"] for s in newer.json()] == [made[1]["id"]]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"status": "   "}, 422, "Validation failed: Text can't be blank"),
        ({"status": "x" * 5001}, 422, "Validation failed: Text character limit of 5000 exceeded"),
        (
            {"status": "hi", "visibility": "friends"},
            422,
            "Validation failed: Visibility is not included in the list",
        ),
        (
            {"status": "hi", "media_ids": ["1"]},
            422,
            "Validation failed: no such media here to attach: [1]",
        ),
        (
            {"status": "hi", "poll": {"options": ["only one"], "expires_in": 3600}},
            422,
            "Validation failed: Poll options must have more than one item",
        ),
        (
            {"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 60}},
            422,
            "Validation failed: Poll expiration is too soon",
        ),
        (
            {"status": "hi", "language": "english!"},
            422,
            "Validation failed: Language is not a valid ISO 639 code",
        ),
        (
            {"status": "hi", "in_reply_to_id": "999999"},
            404,
            "The post you are trying to reply to does not appear to exist.",
        ),
    ],
)
async def test_bad_statuses_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    town: SimpleNamespace,
    conn: asyncpg.Connection,
    data: dict[str, object],
    status: int,
    message: str,
) -> None:
    refused = await client.post("/api/v1/statuses", headers=town.alice, json=data)
    assert refused.status_code == status
    assert refused.json() == {"error": message}
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0
    assert await conn.fetchval("SELECT count(*) FROM activities WHERE type = 'Create'") == 0


async def test_malformed_and_oversized_bodies(
    client: httpx.AsyncClient, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    headers = {**town.alice, "Content-Type": "application/json"}
    malformed = await client.post("/api/v1/statuses", headers=headers, content=b"{nope")
    assert malformed.status_code == 400
    assert "error" in malformed.json()
    huge = await client.post(
        "/api/v1/statuses", headers=headers, content=b'{"status": "' + b"x" * 300_000 + b'"}'
    )
    assert huge.status_code == 413
    assert await conn.fetchval("SELECT count(*) FROM posts") == 0


async def test_others_posts_cannot_be_deleted_and_private_ones_stay_private(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    mine = await post_status(client, town.alice, status="only followers", visibility="private")
    assert mine["visibility"] == "private"
    assert (await client.get(f"/api/v1/statuses/{mine['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/statuses/{mine['id']}", headers=town.bob)).status_code == 404
    refused = await client.delete(f"/api/v1/statuses/{mine['id']}", headers=town.bob)
    assert refused.status_code == 404
    shown = await client.get(f"/api/v1/statuses/{mine['id']}", headers=town.alice)
    assert shown.status_code == 200


async def test_reblog_and_unreblog(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    status = await post_status(client, town.alice, status="worth sharing")
    boosted = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=town.bob)
    assert boosted.status_code == 200
    assert boosted.json()["reblog"]["id"] == status["id"]
    assert boosted.json()["account"]["username"] == "bob"
    await step(ctx)
    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    assert [n["type"] for n in notes] == ["reblog"]
    undone = await client.post(f"/api/v1/statuses/{status['id']}/unreblog", headers=town.bob)
    assert undone.json()["reblogged"] is False


async def test_activitypub_client_to_server_outbox(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    await join(client, ctx, town.alice, town.garden.id)
    note = {
        "type": "Note",
        "content": "<p>From my C2S client</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [town.garden.uri],
    }
    headers = {**town.alice, "Content-Type": "application/activity+json"}
    made = await client.post("/users/alice/outbox", headers=headers, json=note)
    assert made.status_code == 201, made.text
    assert made.headers["location"].startswith("https://social.test/activities/")
    await step(ctx)
    post_uri = await conn.fetchval("SELECT uri FROM posts WHERE content_html LIKE '%C2S%'")
    assert (
        await conn.fetchval(
            "SELECT count(*) FROM group_shares s JOIN posts p ON p.id = s.post_id WHERE p.uri = $1",
            post_uri,
        )
        == 1
    )
    liked = await client.post(
        "/users/bob/outbox", headers={**town.bob}, json={"type": "Like", "object": post_uri}
    )
    assert liked.status_code == 201
    undone = await client.post(
        "/users/bob/outbox",
        headers=town.bob,
        json={"type": "Undo", "object": {"type": "Like", "object": post_uri}},
    )
    assert undone.status_code == 201
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM votes") == 0
    someone_else = await client.post(
        "/users/alice/outbox", headers=town.bob, json={"type": "Delete", "object": post_uri}
    )
    assert someone_else.status_code == 403
    deleted = await client.post(
        "/users/alice/outbox", headers=town.alice, json={"type": "Delete", "object": post_uri}
    )
    assert deleted.status_code == 201
    assert await conn.fetchval("SELECT deleted_at IS NOT NULL FROM posts WHERE uri = $1", post_uri)
    unknown = await client.post(
        "/users/alice/outbox", headers=town.alice, json={"type": "Move", "object": post_uri}
    )
    assert unknown.status_code == 422


async def test_instance_and_profile(client: httpx.AsyncClient, town: SimpleNamespace) -> None:
    v2 = (await client.get("/api/v2/instance")).json()
    assert v2["domain"] == "social.test"
    assert v2["version"].startswith("4.3.0 (compatible; fediverse")
    assert v2["configuration"]["statuses"]["max_characters"] == 5000
    v1 = (await client.get("/api/v1/instance")).json()
    assert v1["uri"] == "social.test"
    updated = await client.patch(
        "/api/v1/accounts/update_credentials",
        headers=town.alice,
        data={"display_name": "Alice A.", "note": "I garden."},
    )
    assert updated.json()["display_name"] == "Alice A."
    assert updated.json()["source"]["note"] == "I garden."
    looked = (await client.get("/api/v1/accounts/lookup", params={"acct": "alice"})).json()
    assert looked["display_name"] == "Alice A."
    assert (
        await client.get("/api/v1/accounts/lookup", params={"acct": "nobody"})
    ).status_code == 404
    assert (await client.get("/api/v1/accounts/99999999")).json() == {"error": "Record not found"}


async def test_a_locked_person_answers_follow_requests(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    await client.patch(
        "/api/v1/accounts/update_credentials", headers=town.alice, data={"locked": "true"}
    )
    alice_id = await conn.fetchval("SELECT id FROM actors WHERE username = 'alice'")
    asked = await client.post(f"/api/v1/accounts/{alice_id}/follow", headers=town.bob)
    assert asked.json()["requested"] is True
    await step(ctx)
    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    assert [n["type"] for n in notes] == ["follow_request"]
    waiting = (await client.get("/api/v1/follow_requests", headers=town.alice)).json()
    assert [a["username"] for a in waiting] == ["bob"]
    bob_id = waiting[0]["id"]
    approved = await client.post(f"/api/v1/follow_requests/{bob_id}/authorize", headers=town.alice)
    assert approved.json()["followed_by"] is True
    await step(ctx)
    rel = await client.get(
        "/api/v1/accounts/relationships", headers=town.bob, params={"id[]": str(alice_id)}
    )
    assert rel.json()[0]["following"] is True
    again = await client.post(f"/api/v1/follow_requests/{bob_id}/reject", headers=town.alice)
    assert again.status_code == 404


async def test_a_nul_character_in_parameters_is_a_400_not_a_500(client, town) -> None:
    headers = town.alice
    search = await client.get("/api/v2/search", params={"q": "ga\x00rden"}, headers=headers)
    assert search.status_code == 400
    post = await client.post("/api/v1/statuses", json={"status": "a\x00b"}, headers=headers)
    assert post.status_code in (400, 422)
