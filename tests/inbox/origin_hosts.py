"""Other servers as real HTTP servers on 127.0.0.1 (each port its own origin) serving actor and
post documents, people on them who sign what they send, and our app allowed to reach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from federation.keys import PrivateKey, generate_rsa_keypair, load_private_key
from tests.federation.loopback import LoopbackServer, Reply
from tests.inbox.hostile import BASE, GROUP
from tests.inbox.support import actor_document, signed_headers

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
