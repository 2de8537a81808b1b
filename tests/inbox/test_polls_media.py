"""Polls, votes and attachments from Mastodon, in the shapes Mastodon sends them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from community.accounts import create_user
from community.context import AppContext
from community.polls import PollSpec, find_poll
from community.posts import find_post
from outbox.actions import publish
from outbox.activities import Composition
from outbox.polls import vote
from tests.api.support import make_member
from tests.inbox.conftest import BASE, GROUP, MASTODON, step
from tests.inbox.test_handlers import deliver, join

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
QUESTION = f"{MASTODON}/users/felix/statuses/1"


def question(counts: tuple[int, int], voters: int, *, update: str | None = None) -> dict[str, Any]:
    """Mastodon's Create (or Update) of a Question into our group (``NoteSerializer``)."""
    note = {
        "id": QUESTION,
        "type": "Question",
        "attributedTo": f"{MASTODON}/users/felix",
        "content": "<p>Tea or coffee?</p>",
        "to": [PUBLIC],
        "cc": [f"{MASTODON}/users/felix/followers", GROUP],
        "tag": [{"type": "Mention", "href": GROUP, "name": "@main@social.test"}],
        "published": "2026-01-01T10:00:00Z",
        "endTime": "2099-01-01T10:00:00Z",
        "votersCount": voters,
        "oneOf": [
            {"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": n}}
            for name, n in zip(("Tea", "Coffee"), counts, strict=True)
        ],
    }
    return {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {"toot": "http://joinmastodon.org/ns#"},
        ],
        "id": update or f"{QUESTION}/activity",
        "type": "Update" if update else "Create",
        "actor": f"{MASTODON}/users/felix",
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


async def queued_to(conn: asyncpg.Connection, inbox_host: str, kind: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT a.body FROM deliveries d JOIN activities a ON a.id = d.activity_id"
        " WHERE d.inbox_uri LIKE $1 AND a.type = $2 ORDER BY a.id",
        f"{inbox_host}/%",
        kind,
    )
    return [orjson.loads(r["body"]) for r in rows]


async def test_a_mastodon_poll_in_our_group_is_voted_on_and_refreshed(
    client: httpx.AsyncClient, ctx: AppContext, world: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    await join(client, ctx, world.felix)
    await deliver(client, world.felix, question((3, 1), 4))
    await step(ctx)
    post = await find_post(conn, QUESTION)
    assert post is not None
    poll = await find_poll(conn, post.id)
    assert poll is not None
    assert (poll.options, poll.counts, poll.voters_count) == (["Tea", "Coffee"], [3, 1], 4)

    voter = await create_user(conn, world.urls, "ann")
    await vote(conn, world.urls, voter, post, poll, [1])
    sent = await queued_to(conn, MASTODON, "Create")
    ballot = sent[-1]
    assert ballot["actor"] == voter.uri
    assert ballot["to"] == f"{MASTODON}/users/felix"
    assert ballot["object"]["type"] == "Note"
    assert ballot["object"]["name"] == "Coffee"
    assert ballot["object"]["inReplyTo"] == QUESTION
    assert ballot["object"]["id"].startswith(f"{voter.uri}#votes/")
    assert ballot["id"] == ballot["object"]["id"] + "/activity"
    counted = await find_poll(conn, post.id)
    assert counted is not None
    assert (counted.counts, counted.voters_count) == ([3, 2], 5)

    # felix's server tells the new counts: they replace ours; it is no edit
    await deliver(client, world.felix, question((3, 3), 6, update=f"{QUESTION}#updates/1"))
    await step(ctx)
    refreshed = await find_poll(conn, post.id)
    assert refreshed is not None
    assert (refreshed.counts, refreshed.voters_count) == ([3, 3], 6)
    again = await find_post(conn, QUESTION)
    assert again is not None
    assert again.updated is None
    assert await conn.fetchval("SELECT count(*) FROM post_edits") == 0
    wrapped = await conn.fetchval(
        "SELECT count(*) FROM activities WHERE type = 'Announce' AND body LIKE $1",
        f'%"id":"{QUESTION}#updates/1"%',
    )
    assert wrapped == 1  # the group announced the new counts to its FEP-1b12 followers


async def test_a_vote_from_mastodon_on_our_poll_is_counted_not_stored(
    client: httpx.AsyncClient, ctx: AppContext, world: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    author = await create_user(conn, world.urls, "ann")
    comp = Composition(mentions=(world.felix.actor,), poll=PollSpec(("Tea", "Coffee"), 3600))
    post = await publish(conn, world.urls, author, "Tea or coffee?", composition=comp)
    ballot = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{world.felix.uri}#votes/77/activity",
        "type": "Create",
        "actor": world.felix.uri,
        "to": author.uri,
        "object": {
            "id": f"{world.felix.uri}#votes/77",
            "type": "Note",
            "name": "Tea",
            "attributedTo": world.felix.uri,
            "inReplyTo": post.uri,
            "to": author.uri,
        },
    }
    await deliver(client, world.felix, ballot)
    await step(ctx)
    poll = await find_poll(conn, post.id)
    assert poll is not None
    assert (poll.counts, poll.voters_count) == ([1, 0], 1)
    assert await find_post(conn, f"{world.felix.uri}#votes/77") is None
    update = (await queued_to(conn, MASTODON, "Update"))[-1]
    assert update["actor"] == author.uri
    assert update["object"]["oneOf"][0]["replies"]["totalItems"] == 1
    assert update["object"]["votersCount"] == 1
    # the same vote again is refused, and counted once
    ballot["id"] = f"{world.felix.uri}#votes/78/activity"
    ballot["object"]["id"] = f"{world.felix.uri}#votes/78"  # type: ignore[index]
    await deliver(client, world.felix, ballot)
    await step(ctx)
    state = await conn.fetchval(
        "SELECT error FROM inbox_items WHERE activity_uri = $1", ballot["id"]
    )
    assert "already voted" in state
    poll = await find_poll(conn, post.id)
    assert poll is not None
    assert poll.counts == [1, 0]


async def test_a_mastodon_post_with_pictures_shows_them_linked(
    client: httpx.AsyncClient, ctx: AppContext, world: SimpleNamespace, conn: asyncpg.Connection
) -> None:
    await join(client, ctx, world.felix)
    activity = question((0, 0), 0)
    note = activity["object"]
    note.update(id=f"{MASTODON}/users/felix/statuses/2", type="Note", content="<p>Look</p>")
    for key in ("oneOf", "endTime", "votersCount"):
        note.pop(key)
    note["attachment"] = [
        {
            "type": "Document",
            "mediaType": "image/jpeg",
            "url": "https://files.mastodon.example/a.jpg",
            "name": "A cat",
            "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
            "focalPoint": [0.1, -0.2],
            "width": 800,
            "height": 600,
        },
        {"type": "Document", "mediaType": "image/png", "url": "javascript:alert(1)"},
        {"type": "Link", "href": "https://example.com/"},
    ]
    activity["id"] = f"{note['id']}/activity"
    await deliver(client, world.felix, activity)
    await step(ctx)
    headers = await make_member(conn, world.urls, "reader")
    post = await find_post(conn, note["id"])
    assert post is not None
    shown = (await client.get(f"/api/v1/statuses/{post.id}", headers=headers)).json()
    [media] = shown["media_attachments"]
    assert media["type"] == "image"
    assert media["url"] == media["remote_url"] == "https://files.mastodon.example/a.jpg"
    assert media["description"] == "A cat"
    assert media["blurhash"] == "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH"
    assert media["meta"]["original"]["width"] == 800
    assert media["meta"]["focus"] == pytest.approx({"x": 0.1, "y": -0.2})
    assert BASE not in media["url"]  # linked where it lives, never fetched by us
