"""The inbox endpoints: what is refused, with which status, and that nothing is queued then."""

from dataclasses import replace

import asyncpg
import httpx
import orjson
import pytest

from community.groups import create_group
from community.urls import Urls
from tests.inbox.support import post_signed, remote_actor, signed_headers

BASE = "https://social.test"
ALPHA = "https://ds9.lemmy.example/u/alpha"


@pytest.fixture
async def world(client: httpx.AsyncClient, conn: asyncpg.Connection):
    await create_group(conn, Urls(BASE), "main")
    alpha = await remote_actor(conn, ALPHA)
    mallory = await remote_actor(conn, "https://evil.example/u/mallory")
    return alpha, mallory


def follow(actor: str = ALPHA, activity_id: str | None = None) -> dict[str, str]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": activity_id or f"{actor}/follows/1",
        "type": "Follow",
        "actor": actor,
        "object": f"{BASE}/groups/main",
    }


async def queued(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM inbox_items ORDER BY id"))


async def test_a_verified_activity_is_queued_and_answered_202(client, world, conn) -> None:
    alpha, _ = world
    response = await post_signed(client, "/inbox", follow(), alpha)
    assert response.status_code == 202, response.text
    items = await queued(conn)
    assert [(i["activity_type"], i["actor_uri"], i["verified_by"]) for i in items] == [
        ("Follow", ALPHA, "cavage")
    ]
    assert orjson.loads(items[0]["body"]) == follow()


async def test_the_same_activity_twice_is_queued_once(client, world, conn) -> None:
    alpha, _ = world
    for _ in range(3):
        assert (await post_signed(client, "/groups/main/inbox", follow(), alpha)).status_code == 202
    assert len(await queued(conn)) == 1


async def test_the_ld_json_content_type_is_accepted(client, world, conn) -> None:
    alpha, _ = world
    ld = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    response = await post_signed(client, "/inbox", follow(), alpha, content_type=ld)
    assert response.status_code == 202


async def test_signer_other_than_the_actor_is_401_and_nothing_is_stored(
    client, world, conn
) -> None:
    _, mallory = world
    response = await post_signed(client, "/inbox", follow(), mallory)
    assert response.status_code == 401
    assert "not by the activity's actor" in response.json()["error"]
    assert await queued(conn) == []


async def test_a_bad_signature_is_401(client, world, conn) -> None:
    alpha, _ = world
    body = orjson.dumps(follow())
    headers = signed_headers(f"{BASE}/inbox", body, alpha)
    tampered = body.replace(b"Follow", b"Block ")
    response = await client.post("/inbox", content=tampered, headers=headers)
    assert response.status_code == 401
    assert "digest" in response.json()["error"]
    unsigned = await client.post(
        "/inbox", content=body, headers={"Content-Type": "application/activity+json"}
    )
    assert unsigned.status_code == 401
    assert "no_signature" in unsigned.json()["error"]
    assert await queued(conn) == []


async def test_a_key_of_an_unknown_actor_that_cannot_be_fetched_is_401(client, world, conn) -> None:
    alpha, _ = world
    stranger = "https://unknown.invalid/u/x"
    response = await post_signed(
        client, "/inbox", follow(stranger), alpha, key_id=stranger + "#main-key"
    )
    assert response.status_code == 401
    assert await queued(conn) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status", "needle"),
    [
        (b"{not json", "application/activity+json", 400, "not JSON"),
        (b"[1, 2]", "application/activity+json", 400, "not a JSON object"),
        (b'{"type": "Follow"}', "application/activity+json", 400, "no actor"),
        (
            b'{"actor": "https://ds9.lemmy.example/u/alpha"}',
            "application/activity+json",
            400,
            "no type",
        ),
        (
            orjson.dumps(follow(activity_id="https://elsewhere.example/a/1")),
            "application/activity+json",
            400,
            "not of one origin",
        ),
        (b"[" * 100 + b"]" * 100, "application/activity+json", 400, "not a JSON object"),
        (orjson.dumps(follow()), "text/plain", 415, "activity+json"),
    ],
)
async def test_malformed_requests_get_a_clear_4xx(
    client, world, conn, body: bytes, content_type: str, status: int, needle: str
) -> None:
    response = await client.post("/inbox", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert needle in response.json()["error"]
    assert await queued(conn) == []


async def test_deeply_nested_json_is_400(client, world) -> None:
    nested: dict[str, object] = {"a": 1}
    for _ in range(80):
        nested = {"a": nested}
    body = orjson.dumps({**follow(), "object": nested})
    response = await client.post(
        "/inbox", content=body, headers={"Content-Type": "application/activity+json"}
    )
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


async def test_an_oversized_body_is_413(client, world, conn) -> None:
    alpha, _ = world
    big = {**follow(), "padding": "x" * 1_100_000}
    response = await post_signed(client, "/inbox", big, alpha)
    assert response.status_code == 413
    assert await queued(conn) == []


async def test_an_unknown_actor_inbox_is_404(client, world) -> None:
    alpha, _ = world
    response = await post_signed(client, "/groups/nobody/inbox", follow(), alpha)
    assert response.status_code == 404
    wrong_kind = await post_signed(client, "/users/main/inbox", follow(), alpha)
    assert wrong_kind.status_code == 404


async def test_a_blocked_domain_is_403(client, world, conn) -> None:
    alpha, _ = world

    async def policy(host: str) -> bool:
        return host != "ds9.lemmy.example"

    web = client.app.state.web
    client.app.state.web = replace(web, context=replace(web.context, is_domain_allowed=policy))
    response = await post_signed(client, "/inbox", follow(), alpha)
    assert response.status_code == 403
    assert await queued(conn) == []


async def test_an_unknown_account_deleting_itself_is_acknowledged_and_ignored(
    client, world, conn
) -> None:
    alpha, _ = world
    gone = "https://gone.invalid/u/x"
    delete = {"id": gone + "#delete", "type": "Delete", "actor": gone, "object": gone}
    response = await post_signed(client, "/inbox", delete, alpha, key_id=gone + "#main-key")
    assert response.status_code == 202
    assert await queued(conn) == []
