"""Remote hosts for the attack tests: real HTTP servers on 127.0.0.1, each its own origin,
serving actor and key documents, and the app with those loopback hosts allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from community.context import AppContext
from community.settings import Settings
from federation.cavage import sign_headers
from federation.keys import PrivateKey, generate_rsa_keypair, load_private_key
from fediverse.app import create_app
from tests.federation.loopback import LoopbackServer, Reply

BASE = "https://social.test"
GROUP = f"{BASE}/groups/main"
#: a few key pairs for a whole run (RSA generation is slow)
PAIRS = [generate_rsa_keypair() for _ in range(4)]


@dataclass
class Signer:
    key_id: str
    private_key: PrivateKey


def signer(key_id: str, pair: int) -> Signer:
    return Signer(key_id, load_private_key(PAIRS[pair][0]))


def public_pem(pair: int) -> str:
    return PAIRS[pair][1]


def actor_doc(uri: str, pair: int, *, key_id: str | None = None, **changes: Any) -> dict[str, Any]:
    doc = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": uri,
        "type": "Person",
        "preferredUsername": uri.rsplit("/", 1)[-1],
        "inbox": uri + "/inbox",
        "outbox": uri + "/outbox",
        "followers": uri + "/followers",
        "publicKey": {
            "id": key_id or uri + "#main-key",
            "owner": uri,
            "publicKeyPem": public_pem(pair),
        },
    }
    doc.update(changes)
    return doc


def serve_actor(server: LoopbackServer, path: str, pair: int, **changes: Any) -> str:
    """Serve a Person at ``path`` whose key is ``PAIRS[pair]``; its URI."""
    uri = server.url(path)
    server.route(path, Reply.json(actor_doc(uri, pair, **changes)))
    return uri


def gets(server: LoopbackServer, path: str) -> int:
    """How many requests ``server`` received for ``path``."""
    return sum(1 for r in server.received if r.target.split("?")[0] == path)


def follow(actor_uri: str, n: int = 1, **changes: Any) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor_uri}/follows/{n}",
        "type": "Follow",
        "actor": actor_uri,
        "object": GROUP,
        **changes,
    }


async def post_as(
    client: httpx.AsyncClient, activity: dict[str, Any], by: Signer, path: str = "/inbox"
) -> httpx.Response:
    body = orjson.dumps(activity)
    headers = {"Content-Type": "application/activity+json"}
    headers.update(
        sign_headers(
            "POST", BASE + path, headers, body, by.key_id, by.private_key, datetime.now(UTC)
        )
    )
    return await client.post(path, content=body, headers=headers)


def loopback_settings(database_url: str, data_dir: Path, **changes: Any) -> Settings:
    return Settings(
        _env_file=None,
        domain="social.test",
        scheme="https",
        database_url=database_url,
        data_dir=data_dir,
        allow_private_addresses=["127.0.0.0/8"],
        **changes,
    )


async def open_app(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, AppContext]]:
    """The whole app in-process (lifespan included), fetching from loopback hosts."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            yield http, app.state.web.context


async def loopback() -> LoopbackServer:
    server = LoopbackServer()
    await server.start()
    return server
