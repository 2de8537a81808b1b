"""Blocks, mutes and blocks of servers through the client API: what they hide (timelines,
threads, notifications, a group's listing), the follows a block ends, and the ``Block`` /
``Undo{Block}`` an account elsewhere receives."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import orjson

from community.context import AppContext
from tests.api.conftest import step
from tests.api.test_statuses import join, post_status
from tests.inbox.support import RemoteActor, post_signed, remote_actor

BASE = "https://social.test"
ELSEWHERE = "https://elsewhere.test"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def account_id(conn: asyncpg.Connection, username: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE username = $1", username))


async def relationship(client: httpx.AsyncClient, headers: dict[str, str], target: int) -> Any:
    found = await client.get(
        "/api/v1/accounts/relationships", headers=headers, params={"id[]": str(target)}
    )
    return found.json()[0]


def ids(statuses: list[dict[str, Any]]) -> list[str]:
    return [(s["reblog"] or s)["id"] for s in statuses]


async def timeline(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[str]:
    answer = await client.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return ids(answer.json())


async def sent(conn: asyncpg.Connection, kind: str) -> list[dict[str, Any]]:
    rows = await conn.fetch("SELECT body FROM activities WHERE type = $1 ORDER BY id", kind)
    return [orjson.loads(r["body"]) for r in rows]


async def remote_note(
    client: httpx.AsyncClient, ctx: AppContext, author: RemoteActor, number: int
) -> str:
    """A public note from ``author``, delivered (signed) to our shared inbox and handled."""
    note_uri = f"{author.uri}/notes/{number}"
    note = {
        "id": note_uri,
        "type": "Note",
        "attributedTo": author.uri,
        "content": f"<p>note {number}</p>",
        "to": [PUBLIC],
        "cc": [f"{author.uri}/followers"],
    }
    activity = {**note, "id": note_uri + "/activity", "type": "Create", "actor": author.uri}
    activity["object"] = note
    answer = await post_signed(client, "/inbox", activity, author)
    assert answer.status_code == 202, answer.text
    await step(ctx)
    return note_uri


async def status_id_of(conn: asyncpg.Connection, uri: str) -> str:
    return str(await conn.fetchval("SELECT id FROM posts WHERE uri = $1", uri))


async def test_blocking_an_account_elsewhere_hides_it_ends_follows_and_sends_block(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    zed = await remote_actor(conn, f"{ELSEWHERE}/users/zed")
    followed = await client.post(f"/api/v1/accounts/{zed.actor.id}/follow", headers=town.alice)
    assert followed.json()["requested"] is True
    await conn.execute("UPDATE follows SET state = 'accepted', accepted_at = now()")
    theirs = await status_id_of(conn, await remote_note(client, ctx, zed, 1))
    assert theirs in await timeline(client, "/api/v1/timelines/home", town.alice)

    blocked = await client.post(f"/api/v1/accounts/{zed.actor.id}/block", headers=town.alice)
    assert blocked.status_code == 200, blocked.text
    assert (blocked.json()["blocking"], blocked.json()["following"]) == (True, False)
    assert theirs not in await timeline(client, "/api/v1/timelines/home", town.alice)
    assert theirs not in await timeline(client, "/api/v1/timelines/public", town.alice)
    assert theirs in await timeline(client, "/api/v1/timelines/public", {})
    listed = (await client.get("/api/v1/blocks", headers=town.alice)).json()
    assert [a["acct"] for a in listed] == ["zed@elsewhere.test"]

    [block] = await sent(conn, "Block")
    assert (block["actor"], block["object"]) == (f"{BASE}/users/alice", zed.uri)
    [undo_follow] = await sent(conn, "Undo")
    assert undo_follow["object"]["type"] == "Follow"
    inboxes = await conn.fetch(
        "SELECT d.inbox_uri FROM deliveries d JOIN activities a ON a.id = d.activity_id"
        " WHERE a.type = 'Block'"
    )
    assert [r["inbox_uri"] for r in inboxes] == [f"{ELSEWHERE}/inbox"]

    again = await client.post(f"/api/v1/accounts/{zed.actor.id}/block", headers=town.alice)
    assert again.json()["blocking"] is True
    assert len(await sent(conn, "Block")) == 1
    unblocked = await client.post(f"/api/v1/accounts/{zed.actor.id}/unblock", headers=town.alice)
    assert unblocked.json()["blocking"] is False
    undo = (await sent(conn, "Undo"))[-1]
    assert undo["object"] == {
        "id": block["id"],
        "type": "Block",
        "actor": block["actor"],
        "object": zed.uri,
    }
    assert theirs in await timeline(client, "/api/v1/timelines/public", town.alice)


async def test_a_block_between_people_here_hides_both_ways_and_sends_nothing(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    alice, bob = await account_id(conn, "alice"), await account_id(conn, "bob")
    await client.post(f"/api/v1/accounts/{bob}/follow", headers=town.alice)
    await client.post(f"/api/v1/accounts/{alice}/follow", headers=town.bob)
    await step(ctx)
    hers = await post_status(client, town.alice, status="hello bob")
    reply = await post_status(client, town.bob, status="hi!", in_reply_to_id=hers["id"])
    await step(ctx)
    assert reply["id"] in await timeline(client, "/api/v1/timelines/home", town.alice)

    blocked = await client.post(f"/api/v1/accounts/{alice}/block", headers=town.bob)
    assert blocked.json()["blocking"] is True
    assert (blocked.json()["following"], blocked.json()["followed_by"]) == (False, False)
    seen_by_alice = await relationship(client, town.alice, bob)
    assert (seen_by_alice["blocked_by"], seen_by_alice["following"]) == (True, False)
    assert await sent(conn, "Block") == []

    assert reply["id"] not in await timeline(client, "/api/v1/timelines/home", town.alice)
    assert reply["id"] not in await timeline(client, "/api/v1/timelines/public", town.alice)
    shown = await client.get(f"/api/v1/statuses/{reply['id']}", headers=town.alice)
    assert shown.status_code == 404
    thread = await client.get(f"/api/v1/statuses/{hers['id']}/context", headers=town.alice)
    assert thread.json()["descendants"] == []
    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    assert all(n["account"]["username"] != "bob" for n in notes)
    mine = (await client.get(f"/api/v1/accounts/{bob}/statuses", headers=town.alice)).json()
    assert mine == []


async def test_mutes_hide_posts_and_maybe_notifications_until_undone(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    bob = await account_id(conn, "bob")
    await client.post(f"/api/v1/accounts/{bob}/follow", headers=town.alice)
    await step(ctx)
    hers = await post_status(client, town.alice, status="a question")
    reply = await post_status(client, town.bob, status="an answer", in_reply_to_id=hers["id"])
    await step(ctx)

    muted = await client.post(
        f"/api/v1/accounts/{bob}/mute", headers=town.alice, json={"notifications": False}
    )
    assert (muted.json()["muting"], muted.json()["muting_notifications"]) == (True, False)
    assert muted.json()["following"] is True
    assert reply["id"] not in await timeline(client, "/api/v1/timelines/home", town.alice)
    notes = (await client.get("/api/v1/notifications", headers=town.alice)).json()
    assert [n["type"] for n in notes] == ["mention"]

    muted = await client.post(
        f"/api/v1/accounts/{bob}/mute", headers=town.alice, data={"duration": "3600"}
    )
    assert muted.json()["muting_notifications"] is True
    assert (await client.get("/api/v1/notifications", headers=town.alice)).json() == []
    listed = (await client.get("/api/v1/mutes", headers=town.alice)).json()
    assert [a["username"] for a in listed] == ["bob"]
    assert listed[0]["mute_expires_at"] is not None
    bad = await client.post(
        f"/api/v1/accounts/{bob}/mute", headers=town.alice, data={"duration": "-5"}
    )
    assert bad.status_code == 422

    await client.post(f"/api/v1/accounts/{bob}/unmute", headers=town.alice)
    assert reply["id"] in await timeline(client, "/api/v1/timelines/home", town.alice)
    assert (await client.get("/api/v1/mutes", headers=town.alice)).json() == []


async def test_blocking_a_server_hides_its_accounts_and_ends_follows(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    zed = await remote_actor(conn, f"{ELSEWHERE}/users/zed")
    await client.post(f"/api/v1/accounts/{zed.actor.id}/follow", headers=town.alice)
    await conn.execute("UPDATE follows SET state = 'accepted', accepted_at = now()")
    theirs = await status_id_of(conn, await remote_note(client, ctx, zed, 2))

    blocked = await client.post(
        "/api/v1/domain_blocks", headers=town.alice, data={"domain": "https://Elsewhere.test/"}
    )
    assert (blocked.status_code, blocked.json()) == (200, {})
    found = await relationship(client, town.alice, zed.actor.id)
    assert (found["domain_blocking"], found["following"]) == (True, False)
    assert theirs not in await timeline(client, "/api/v1/timelines/home", town.alice)
    assert theirs not in await timeline(client, "/api/v1/timelines/public", town.alice)
    listed = await client.get("/api/v1/domain_blocks", headers=town.alice)
    assert listed.json() == ["elsewhere.test"]
    assert [u["object"]["type"] for u in await sent(conn, "Undo")] == ["Follow"]

    for refused, status in (("", 400), ("not a domain", 422), ("social.test", 422)):
        answer = await client.post(
            "/api/v1/domain_blocks", headers=town.alice, data={"domain": refused}
        )
        assert answer.status_code == status, (refused, answer.text)
    await client.request(
        "DELETE", "/api/v1/domain_blocks", headers=town.alice, params={"domain": "elsewhere.test"}
    )
    assert (await client.get("/api/v1/domain_blocks", headers=town.alice)).json() == []
    assert theirs in await timeline(client, "/api/v1/timelines/public", town.alice)


async def test_a_groups_listing_leaves_out_those_a_member_blocks(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    gid = town.garden.id
    for member in (town.alice, town.bob):
        await join(client, ctx, member, gid)
    hers = await post_status(client, town.alice, status="@garden roses")
    his = await post_status(client, town.bob, status="@garden tulips")
    await step(ctx)
    listing = f"/api/v1/timelines/list/{gid}"
    assert set(await timeline(client, listing, town.alice)) == {hers["id"], his["id"]}
    await client.post(f"/api/v1/accounts/{await account_id(conn, 'bob')}/block", headers=town.alice)
    assert await timeline(client, listing, town.alice) == [hers["id"]]
    assert await timeline(client, f"/api/v1/timelines/group/{gid}", town.alice) == [hers["id"]]
    assert set(await timeline(client, "/api/v1/timelines/home", town.bob)) >= {his["id"]}
