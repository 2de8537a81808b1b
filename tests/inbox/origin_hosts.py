"""Other servers as real HTTP servers on 127.0.0.1 (each port its own origin) serving actor and
post documents, people on them who sign what they send, and our app allowed to reach them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from community.context import AppContext
from community.settings import Settings
from federation.keys import PrivateKey, generate_rsa_keypair, load_private_key
from fediverse.app import create_app
from tests.federation.loopback import LoopbackServer, Reply
from tests.inbox.support import actor_document, signed_headers

BASE = "https://social.test"
GROUP = f"{BASE}/groups/main"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
KEYS = generate_rsa_keypair()  # one pair for everyone on loopback hosts (keygen is slow)


@dataclass
class Person:
    """Someone on a loopback host: their actor document is served there, they sign with its key."""

    uri: str
    private_key: PrivateKey
    host: LoopbackServer

    @property
    def key_id(self) -> str:
        return self.uri + "#main-key"

    def serve(self, path: str, document: dict[str, Any]) -> str:
        """Serve ``document`` (its ``id`` set) at ``path`` on this person's host; its URI."""
        uri = self.host.url(path)
        self.host.route(path, Reply.json({**document, "id": uri}))
        return uri


def person(host: LoopbackServer, name: str) -> Person:
    private_pem, public_pem = KEYS
    uri = host.url(f"/users/{name}")
    document = actor_document(uri, public_pem=public_pem)
    document["endpoints"] = {"sharedInbox": host.url("/inbox")}
    host.route(f"/users/{name}", Reply.json(document))
    host.route("/inbox", Reply(202))
    return Person(uri, load_private_key(private_pem), host)


def note(author: Person, content: str, **changes: Any) -> dict[str, Any]:
    return {
        "type": "Note",
        "attributedTo": author.uri,
        "content": content,
        "to": [AS_PUBLIC],
        "cc": [GROUP],
        "audience": GROUP,
        **changes,
    }


def create(actor: Person, number: int, obj: dict[str, Any] | str) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.uri}/creates/{number}",
        "type": "Create",
        "actor": actor.uri,
        "object": obj,
        "to": [AS_PUBLIC],
        "cc": [GROUP],
    }


async def post_as(client: httpx.AsyncClient, activity: dict[str, Any], by: Person) -> None:
    body = orjson.dumps(activity)
    response = await client.post(
        "/inbox", content=body, headers=signed_headers(f"{BASE}/inbox", body, by)
    )
    assert response.status_code == 202, response.text


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
    """The whole app in-process (lifespan included), able to fetch from loopback hosts."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            yield http, app.state.web.context


async def loopback_host() -> LoopbackServer:
    server = LoopbackServer()
    await server.start()
    return server
