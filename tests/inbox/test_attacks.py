"""Issue 11, classes 1, 2, 3 and 5 against the real inbox, remote hosts being real HTTP
servers on 127.0.0.1 (each port its own origin) that count the requests they get."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from tests.federation.loopback import LoopbackServer, Reply
from tests.inbox.hostile import (
    BASE,
    follow,
    gets,
    loopback,
    loopback_settings,
    open_app,
    post_as,
    public_pem,
    serve_actor,
    signer,
)

ATTACKER, VICTIM, ROTATED, ELSE = 0, 1, 2, 3


@pytest.fixture
async def inbox(database_url: str, tmp_path: Path, conn: asyncpg.Connection):
    await create_group(conn, Urls(BASE), "main")
    async for opened in open_app(loopback_settings(database_url, tmp_path / "data")):
        yield opened


@pytest.fixture
async def client(inbox: tuple[httpx.AsyncClient, AppContext]) -> httpx.AsyncClient:
    return inbox[0]


@pytest.fixture
async def host_a() -> AsyncIterator[LoopbackServer]:
    server = await loopback()
    yield server
    await server.stop()


@pytest.fixture
async def host_v() -> AsyncIterator[LoopbackServer]:
    server = await loopback()
    yield server
    await server.stop()


async def keys_of(conn: asyncpg.Connection, actor_uri: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT k.key_id FROM actor_keys k JOIN actors a ON a.id = k.actor_id WHERE a.uri = $1",
        actor_uri,
    )
    return sorted(r["key_id"] for r in rows)


def refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    assert reason in response.json()["error"]


# 1. A key document that claims someone else


async def test_a_key_document_claiming_an_actor_of_another_host_is_401(
    client, conn, host_a, host_v
) -> None:
    victim = serve_actor(host_v, "/users/v", VICTIM)
    forged_key = host_a.url("/keys/1")
    host_a.route(
        "/keys/1",
        Reply.json(
            {"id": forged_key, "type": "Key", "owner": victim, "publicKeyPem": public_pem(ATTACKER)}
        ),
    )
    response = await post_as(client, follow(victim), signer(forged_key, ATTACKER))
    refused(response, 401, "key_not_owned")
    assert gets(host_v, "/users/v") == 0, "the claimed owner on another host is not even asked"
    assert await conn.fetchval("SELECT count(*) FROM actor_keys WHERE key_id = $1", forged_key) == 0
    # asked again: the same answer, from the negative cache
    refused(
        await post_as(client, follow(victim, 2), signer(forged_key, ATTACKER)), 401, "key_not_owned"
    )
    assert gets(host_a, "/keys/1") == 1
    # the victim itself is believed with its own key, and only with it
    assert (
        await post_as(client, follow(victim, 3), signer(victim + "#main-key", VICTIM))
    ).status_code == 202
    assert await keys_of(conn, victim) == [victim + "#main-key"]


async def test_a_key_document_on_the_owners_host_that_the_owner_does_not_list_is_401(
    client, conn, host_v
) -> None:
    victim = serve_actor(host_v, "/users/v", VICTIM)
    forged_key = host_v.url("/keys/planted")
    host_v.route(
        "/keys/planted",
        Reply.json(
            {"id": forged_key, "type": "Key", "owner": victim, "publicKeyPem": public_pem(ATTACKER)}
        ),
    )
    refused(
        await post_as(client, follow(victim), signer(forged_key, ATTACKER)), 401, "key_not_owned"
    )
    # the owner was fetched from its own URL, and its own key is all we keep for it
    assert await keys_of(conn, victim) == [victim + "#main-key"]
    refused(
        await post_as(client, follow(victim, 2), signer(victim + "#main-key", ATTACKER)),
        401,
        "bad_signature",
    )


async def test_an_actor_cannot_claim_the_key_id_of_an_actor_of_another_host(
    client, conn, host_a, host_v
) -> None:
    victim_key = host_v.url("/users/v#main-key")
    squatter = host_a.url("/users/m")
    claimed = [
        {"id": squatter + "#main-key", "owner": squatter, "publicKeyPem": public_pem(ATTACKER)},
        {"id": victim_key, "owner": squatter, "publicKeyPem": public_pem(ATTACKER)},
    ]
    serve_actor(host_a, "/users/m", ATTACKER, publicKey=claimed)
    own_key = signer(squatter + "#main-key", ATTACKER)
    assert (await post_as(client, follow(squatter), own_key)).status_code == 202
    assert await keys_of(conn, squatter) == [squatter + "#main-key"]
    victim = serve_actor(host_v, "/users/v", VICTIM)
    assert (await post_as(client, follow(victim), signer(victim_key, VICTIM))).status_code == 202
    refused(
        await post_as(client, follow(squatter, 2), signer(victim_key, ATTACKER)),
        401,
        "bad_signature",
    )


async def test_separate_key_urls_whose_owner_lists_them_still_work(client, host_v) -> None:
    # Fedify: the key id is a URL of its own serving a CryptographicKey that names its owner
    fedify_key = host_v.url("/users/f/keys/1")
    fedify = serve_actor(host_v, "/users/f", ELSE, key_id=fedify_key)
    host_v.route(
        "/users/f/keys/1",
        Reply.json(
            {
                "@context": "https://w3id.org/security/v1",
                "id": fedify_key,
                "type": "CryptographicKey",
                "owner": fedify,
                "publicKeyPem": public_pem(ELSE),
            }
        ),
    )
    assert (await post_as(client, follow(fedify), signer(fedify_key, ELSE))).status_code == 202
    # GoToSocial: the key URL serves a stub of the actor, whose id is the actor's
    gts_key = host_v.url("/users/g/main-key")
    gts = serve_actor(host_v, "/users/g", ELSE, key_id=gts_key)
    host_v.route(
        "/users/g/main-key",
        Reply.json({"id": gts, "type": "Person", "publicKey": {"id": gts_key, "owner": gts}}),
    )
    assert (await post_as(client, follow(gts), signer(gts_key, ELSE))).status_code == 202


# 2. Fetches that end anywhere but at a document


@pytest.mark.parametrize(
    "location",
    [
        "data:application/activity+json,{}",
        "file:///etc/passwd",
        "gopher://127.0.0.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/x",
        "http://[::1",
        "http://127.0.0.1:99999/",
        "http://x@127.0.0.1/",
        "",
    ],
)
async def test_a_key_fetch_redirected_anywhere_else_is_401(client, host_a, location) -> None:
    actor = serve_actor(host_a, "/users/r", ATTACKER)
    host_a.route("/keys/r", Reply(302, headers={"Location": location}))
    response = await post_as(client, follow(actor), signer(host_a.url("/keys/r"), ATTACKER))
    refused(response, 401, "key_unavailable")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"id": 5}',
        b'{"id": "x", "type": "Key", "owner": ["a", {"b": 1}]}',
        b'{"id": "%s", "type": "Person", "inbox": 5, "publicKey": "x"}',
        b'{"id": "%s", "type": "Person", "inbox": "%s/inbox", "publicKey": [1, null, {}]}',
        b'{"id": "%s", "type": "Person", "inbox": "%s/inbox", "name": {"x": 1},'
        b' "publicKey": {"id": "%s#main-key", "publicKeyPem": "garbage"}}',
        b'{"id": "%s", "type": "Person", "inbox": "%s/inbox", "preferredUsername": "a\\u0000b"}',
        b'{"id": "%s", "type": ["Person", 5], "inbox": "http://a@b/inbox"}',
        b'{"id": "%s", "type": "Person", "inbox": "%s/inbox", "followers": "file:///x"}',
        b'{"a":' * 100 + b"1" + b"}" * 100,
    ],
)
async def test_an_actor_document_of_any_shape_is_a_401(client, conn, host_a, body) -> None:
    uri = host_a.url("/users/odd")
    host_a.route(
        "/users/odd",
        Reply(
            headers={"Content-Type": "application/activity+json"},
            body=body.replace(b"%s", uri.encode()),
        ),
    )
    response = await post_as(client, follow(uri), signer(uri + "#main-key", ATTACKER))
    assert response.status_code == 401, response.text
    assert await conn.fetchval("SELECT count(*) FROM actors WHERE uri = $1", uri) == 0


# 3. Userinfo: one URL, two hosts


async def test_ids_with_userinfo_are_refused(client, host_a, host_v) -> None:
    actor = serve_actor(host_v, "/users/x", ATTACKER)
    confused = f"http://127.0.0.1:{host_a.port}@127.0.0.1:{host_v.port}/users/x"
    refused(
        await post_as(client, follow(confused), signer(actor + "#main-key", ATTACKER)),
        400,
        "not an http(s) URL we accept",
    )
    wrapped = follow(actor, id=f"http://evil@127.0.0.1:{host_v.port}/users/x/follows/1")
    refused(
        await post_as(client, wrapped, signer(actor + "#main-key", ATTACKER)),
        400,
        "not of one origin",
    )
    key_with_userinfo = f"http://evil@127.0.0.1:{host_v.port}/users/x#main-key"
    refused(
        await post_as(client, follow(actor), signer(key_with_userinfo, ATTACKER)),
        401,
        "key_not_found",
    )
    assert host_v.received == []


@pytest.mark.parametrize(
    "field", ["inbox", "outbox", "followers", "following", "featured", "endpoints"]
)
async def test_an_actor_with_a_userinfo_url_is_not_stored(client, conn, host_v, field) -> None:
    uri = host_v.url("/users/y")
    hostile = f"http://evil.example@127.0.0.1:{host_v.port}/inbox"
    value = {"sharedInbox": hostile} if field == "endpoints" else hostile
    serve_actor(host_v, "/users/y", ATTACKER, **{field: value})
    refused(
        await post_as(client, follow(uri), signer(uri + "#main-key", ATTACKER)),
        401,
        "key_not_owned",
    )
    assert await conn.fetchval("SELECT count(*) FROM actors WHERE uri = $1", uri) == 0


# 5. Key rotation, and floods of forged signatures


async def test_a_rotated_key_is_accepted_on_its_first_request(client, host_v) -> None:
    actor = serve_actor(host_v, "/users/r", VICTIM)
    key_id = actor + "#main-key"
    assert (await post_as(client, follow(actor, 1), signer(key_id, VICTIM))).status_code == 202
    serve_actor(host_v, "/users/r", ROTATED)  # same key id, new key
    assert (await post_as(client, follow(actor, 2), signer(key_id, ROTATED))).status_code == 202
    assert gets(host_v, "/users/r") == 2
    serve_actor(host_v, "/users/r", ELSE, key_id=actor + "#key-2")  # a new key id
    second = await post_as(client, follow(actor, 3), signer(actor + "#key-2", ELSE))
    assert second.status_code == 202
    assert gets(host_v, "/users/r") == 3


async def test_a_flood_of_forged_signatures_costs_a_handful_of_fetches(client, host_v) -> None:
    actor = serve_actor(host_v, "/users/f", VICTIM)
    key_id = actor + "#main-key"
    assert (await post_as(client, follow(actor, 0), signer(key_id, VICTIM))).status_code == 202
    forged = signer(key_id, ATTACKER)
    answers = await asyncio.gather(
        *(post_as(client, follow(actor, n), forged) for n in range(1, 41))
    )
    assert {a.status_code for a in answers} == {401}
    for n in range(41, 61):
        refused(await post_as(client, follow(actor, n), forged), 401, "bad_signature")
    assert gets(host_v, "/users/f") <= 2, "the first fetch, and one refresh for the whole flood"
    # the genuine key is still believed
    assert (await post_as(client, follow(actor, 99), signer(key_id, VICTIM))).status_code == 202


async def test_made_up_key_ids_are_each_fetched_once(client, host_a) -> None:
    key_ids = [host_a.url(f"/keys/{n}") for n in range(10)]
    for _ in range(3):
        for key_id in key_ids:
            actor = host_a.url("/users/nobody")
            refused(
                await post_as(client, follow(actor), signer(key_id, ATTACKER)),
                401,
                "key_unavailable",
            )
    assert len(host_a.received) == 10
