"""Edits and polls in one process: a local group announces an edit as it does others'; a poll
is voted on, its counts sent as Update{Question}; refusals in Mastodon's words."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx
import orjson

from community.context import AppContext
from tests.api import images
from tests.api.conftest import step
from tests.api.test_statuses import join, post_status


async def sent(conn: asyncpg.Connection, kind: str, actor: str) -> list[dict[str, object]]:
    rows = await conn.fetch(
        "SELECT a.body FROM activities a JOIN actors o ON o.id = a.actor_id"
        " WHERE a.type = $1 AND o.username = $2 ORDER BY a.id",
        kind,
        actor,
    )
    return [orjson.loads(r["body"]) for r in rows]


async def test_an_edit_is_kept_in_history_and_the_group_announces_it(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    for member in (town.alice, town.bob):
        await join(client, ctx, member, town.garden.id)
    uploaded = await client.post(
        "/api/v2/media",
        headers=town.alice,
        files={"file": ("p.png", images.png(), "image/png")},
        data={"description": "green"},
    )
    media_id = uploaded.json()["id"]
    status = await post_status(
        client, town.alice, status="@garden First words", media_ids=[media_id], language="en"
    )
    assert status["media_attachments"][0]["description"] == "green"
    assert status["edited_at"] is None
    await step(ctx)

    edited = await client.put(
        f"/api/v1/statuses/{status['id']}",
        headers=town.alice,
        json={
            "status": "@garden Better words",
            "media_attributes": [{"id": media_id, "description": "very green"}],
        },
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert "Better words" in body["content"]
    assert body["edited_at"] is not None
    assert body["language"] == "en"
    assert body["media_attachments"][0]["description"] == "very green"
    await step(ctx)

    update = (await sent(conn, "Update", "alice"))[-1]
    note = update["object"]
    assert isinstance(note, dict)
    assert note["id"] == status["uri"]
    assert note["updated"] >= note["published"]
    assert note["attachment"][0]["name"] == "very green"
    wraps = [a for a in await sent(conn, "Announce", "garden") if isinstance(a["object"], dict)]
    assert any(w["object"]["id"] == update["id"] for w in wraps)  # type: ignore[index]

    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert ["First" in h["content"] for h in history] == [True, False]
    assert [h["media_attachments"][0]["description"] for h in history] == ["green", "very green"]
    source = await client.get(f"/api/v1/statuses/{status['id']}/source", headers=town.alice)
    assert source.json()["text"] == "@garden Better words"
    seen = (await client.get(f"/api/v1/statuses/{status['id']}", headers=town.bob)).json()
    assert "Better words" in seen["content"]

    others = await client.put(
        f"/api/v1/statuses/{status['id']}", headers=town.bob, json={"status": "mine now"}
    )
    assert others.status_code == 403


async def test_a_poll_is_voted_on_and_its_counts_are_sent(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    for member in (town.alice, town.bob):
        await join(client, ctx, member, town.garden.id)
    status = await client.post(
        "/api/v1/statuses",
        headers=town.alice,
        data={
            "status": "@garden Tea or coffee?",
            "poll[options][]": ["Tea", "Coffee"],
            "poll[expires_in]": "3600",
        },
    )
    assert status.status_code == 200, status.text
    poll = status.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee"]
    assert poll["multiple"] is False
    assert poll["voted"] is True  # one's own poll
    create = (await sent(conn, "Create", "alice"))[-1]
    question = create["object"]
    assert isinstance(question, dict)
    assert question["type"] == "Question"
    assert [o["name"] for o in question["oneOf"]] == ["Tea", "Coffee"]
    assert question["endTime"]
    await step(ctx)

    voted = await client.post(
        f"/api/v1/polls/{poll['id']}/votes", headers=town.bob, data={"choices[]": "1"}
    )
    assert voted.status_code == 200, voted.text
    assert voted.json()["own_votes"] == [1]
    assert [o["votes_count"] for o in voted.json()["options"]] == [0, 1]
    update = (await sent(conn, "Update", "alice"))[-1]
    assert update["object"]["votersCount"] == 1  # type: ignore[index]
    assert update["object"]["oneOf"][1]["replies"]["totalItems"] == 1  # type: ignore[index]
    await step(ctx)
    wraps = [a for a in await sent(conn, "Announce", "garden") if isinstance(a["object"], dict)]
    assert any(w["object"]["id"] == update["id"] for w in wraps)  # type: ignore[index]

    again = await client.post(
        f"/api/v1/polls/{poll['id']}/votes", headers=town.bob, data={"choices[]": "0"}
    )
    assert again.json() == {"error": "Validation failed: You have already voted on this poll"}
    own = await client.post(
        f"/api/v1/polls/{poll['id']}/votes", headers=town.alice, data={"choices[]": "0"}
    )
    assert own.json() == {"error": "Validation failed: You cannot vote in your own polls"}
    await conn.execute("UPDATE polls SET expires_at = now() - interval '1 minute'")
    late = await client.post(
        f"/api/v1/polls/{poll['id']}/votes", headers=town.bob, data={"choices[]": "0"}
    )
    assert late.json() == {"error": "Validation failed: The poll has already ended"}
    shown = (await client.get(f"/api/v1/polls/{poll['id']}")).json()
    assert shown["expired"] is True
    assert shown["votes_count"] == 1


async def test_hidden_totals_and_multiple_choices(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    status = await post_status(
        client,
        town.alice,
        status="Pick any",
        poll={"options": ["a", "b", "c"], "expires_in": 600, "multiple": True, "hide_totals": True},
    )
    poll_id = status["poll"]["id"]
    voted = await client.post(
        f"/api/v1/polls/{poll_id}/votes", headers=town.bob, json={"choices": [0, 2]}
    )
    assert voted.status_code == 200, voted.text
    assert voted.json()["own_votes"] == [0, 2]
    assert [o["votes_count"] for o in voted.json()["options"]] == [None, None, None]
    mine = (await client.get(f"/api/v1/polls/{poll_id}", headers=town.alice)).json()
    assert [o["votes_count"] for o in mine["options"]] == [1, 0, 1]
    assert mine["voters_count"] == 1
    mixed = await post_status(client, town.alice, status="x", poll=None)
    assert mixed["poll"] is None
