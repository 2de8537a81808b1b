"""Remote actors made up for inbox tests: stored as if fetched, and able to sign requests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from community.actors import Actor
from community.remote import store_actor_document
from community.storage.database import Conn
from federation.cavage import sign_headers
from federation.keys import PrivateKey, generate_rsa_keypair, load_private_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_KEYS = generate_rsa_keypair()  # one key pair for all made-up actors of a run (keygen is slow)


@dataclass
class RemoteActor:
    uri: str
    actor: Actor
    private_key: PrivateKey

    @property
    def key_id(self) -> str:
        return self.uri + "#main-key"


def actor_document(uri: str, actor_type: str = "Person", *, public_pem: str) -> dict[str, Any]:
    host = uri.split("/")[2]
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": uri,
        "type": actor_type,
        "preferredUsername": uri.rstrip("/").rsplit("/", 1)[-1],
        "inbox": uri + "/inbox",
        "outbox": uri + "/outbox",
        "followers": uri + "/followers",
        "endpoints": {"sharedInbox": f"https://{host}/inbox"},
        "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem},
    }


async def remote_actor(
    conn: Conn, uri: str, actor_type: str = "Person", software: str | None = None
) -> RemoteActor:
    private_pem, public_pem = _KEYS
    stored = await store_actor_document(
        conn, actor_document(uri, actor_type, public_pem=public_pem), uri
    )
    if software is not None:
        await conn.execute(
            "INSERT INTO instances (domain, software_name, nodeinfo_fetched_at)"
            " VALUES ($1, $2, now()) ON CONFLICT (domain)"
            " DO UPDATE SET software_name = $2, nodeinfo_fetched_at = now()",
            stored.domain,
            software,
        )
    return RemoteActor(uri, stored, load_private_key(private_pem))


def signed_headers(
    url: str,
    body: bytes,
    signer: RemoteActor,
    *,
    key_id: str | None = None,
    content_type: str = "application/activity+json",
) -> dict[str, str]:
    headers = {"Content-Type": content_type}
    headers.update(
        sign_headers(
            "POST",
            url,
            headers,
            body,
            key_id or signer.key_id,
            signer.private_key,
            datetime.now(UTC),
        )
    )
    return headers


async def post_signed(
    client: httpx.AsyncClient,
    path: str,
    activity: dict[str, Any] | bytes,
    signer: RemoteActor,
    **kwargs: Any,
) -> httpx.Response:
    body = activity if isinstance(activity, bytes) else orjson.dumps(activity)
    url = str(client.base_url).rstrip("/") + path
    return await client.post(
        path, content=body, headers=signed_headers(url, body, signer, **kwargs)
    )


def fixture(relative: str, replacements: dict[str, str]) -> dict[str, Any]:
    """A published payload with its hosts and actors swapped for ours (text substitution)."""
    text = (FIXTURES / relative).read_text()
    for old, new in replacements.items():
        text = text.replace(old, new)
    data = json.loads(text)
    assert isinstance(data, dict)
    return data
