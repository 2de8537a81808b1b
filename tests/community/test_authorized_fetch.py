"""Authorized fetch: our documents for verified signers from domains we federate with."""

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from community.groups import create_group
from community.policy import add_domain_rule
from community.settings import Settings
from community.urls import Urls
from federation.cavage import sign_headers
from fediverse.app import create_app
from tests.inbox.support import remote_actor

BASE = "https://social.test"
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
async def secure(database_url: str, tmp_path: Path):
    settings = Settings(
        _env_file=None,
        domain="social.test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        authorized_fetch=True,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            yield http


def signed(path: str, signer) -> dict[str, str]:
    headers = dict(AS2)
    headers.update(
        sign_headers(
            "GET", BASE + path, headers, None, signer.key_id, signer.private_key, datetime.now(UTC)
        )
    )
    return headers


@pytest.fixture
async def world(secure, conn):
    await create_group(conn, Urls(BASE), "garden")
    friend = await remote_actor(conn, "https://friend.example/u/f")
    foe = await remote_actor(conn, "https://foe.example/u/x")
    await add_domain_rule(conn, "foe.example", "block")
    return friend, foe


@pytest.mark.parametrize(
    "path",
    [
        "/groups/garden",
        "/groups/garden/outbox",
        "/groups/garden/followers",
        "/groups/garden/moderators",
        "/groups/garden/featured",
    ],
)
async def test_unsigned_as2_gets_are_401(secure, world, path: str) -> None:
    response = await secure.get(path, headers=AS2)
    assert response.status_code == 401
    assert "signed requests only" in response.json()["error"]


@pytest.mark.parametrize("path", ["/groups/garden", "/groups/garden/outbox"])
async def test_signed_gets_from_a_friend_are_served(secure, world, path: str) -> None:
    friend, _ = world
    response = await secure.get(path, headers=signed(path, friend))
    assert response.status_code == 200


async def test_signed_gets_from_a_blocked_domain_are_403(secure, world) -> None:
    _, foe = world
    response = await secure.get("/groups/garden", headers=signed("/groups/garden", foe))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/.well-known/webfinger?resource=acct:garden@social.test", {}),
        ("/.well-known/nodeinfo", {}),
        ("/nodeinfo/2.1", {}),
        ("/.well-known/host-meta", {}),
        ("/actor", AS2),
        ("/groups/garden", {"Accept": "text/html"}),
    ],
)
async def test_discovery_the_instance_actor_and_pages_stay_public(
    secure, world, path: str, headers: dict[str, str]
) -> None:
    assert (await secure.get(path, headers=headers)).status_code == 200
