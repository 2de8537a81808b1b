"""Remote followers on loopback: a fake server of some software (Mastodon, Lemmy…) with people
who follow, post and read, run in a thread of its own so the test's blocking CLI calls never
stall it.

It serves what our servers fetch (its people's actor documents and keys, NodeInfo naming its
software, the objects they wrote) and records what reaches its inboxes; the test plays its
software's part (a Mastodon-shaped peer's people re-follow on a Move) and checks each
delivery's signature against the sender's key, fetched from the sender's server.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from federation.cavage import sign_headers
from federation.keys import load_private_key, load_public_key
from federation.verify import verify_request
from tests.federation.loopback import LoopbackServer, Received, Reply
from tests.inbox.support import _KEYS

AS2 = "application/activity+json"


@dataclass(frozen=True)
class Delivery:
    """One POST a peer's inbox received, its JSON parsed."""

    request: Received
    activity: dict[str, Any]


class Peer:
    """A fake server of ``software`` on 127.0.0.1 (a port of its own)."""

    def __init__(self, software: str) -> None:
        self.software = software
        self.server = LoopbackServer()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> Peer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        nodeinfo = {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": self.url("/nodeinfo/2.1"),
                }
            ]
        }
        self.server.route("/.well-known/nodeinfo", Reply.json(nodeinfo, "application/json"))
        software = {"version": "2.1", "software": {"name": self.software, "version": "4.3.0"}}
        self.server.route("/nodeinfo/2.1", Reply.json(software, "application/json"))
        self.server.route("/inbox", Reply(202))
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def url(self, path: str) -> str:
        return self.server.url(path)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def person(self, name: str) -> str:
        """A person here: their actor document is served; their id."""
        uri = self.url(f"/users/{name}")
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri,
            "type": "Person",
            "preferredUsername": name,
            "inbox": f"{uri}/inbox",
            "outbox": f"{uri}/outbox",
            "followers": f"{uri}/followers",
            "endpoints": {"sharedInbox": self.url("/inbox")},
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": _KEYS[1]},
        }
        self.server.route(f"/users/{name}", Reply.json(document))
        self.server.route(f"/users/{name}/inbox", Reply(202))
        return uri

    def note(self, author: str, text: str, to: list[str]) -> dict[str, Any]:
        """A note by ``author``, served at its id."""
        uri = f"{author}/statuses/{uuid.uuid4().hex[:8]}"
        note = {
            "id": uri,
            "type": "Note",
            "attributedTo": author,
            "content": f"<p>{text}</p>",
            "to": to,
            "cc": [],
            "published": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        self.server.route(uri.removeprefix(self.url("")), Reply.json(note))
        return note

    def send(self, actor: str, inbox: str, activity: dict[str, Any]) -> int:
        """POST ``activity`` to ``inbox``, signed by ``actor`` as Mastodon signs (cavage); it
        is served at its id too, as Mastodon serves a status's activity."""
        body = orjson.dumps({"@context": "https://www.w3.org/ns/activitystreams", **activity})
        if activity["id"].startswith(self.url("/")):
            self.server.route(
                activity["id"].removeprefix(self.url("")), Reply(200, {"Content-Type": AS2}, body)
            )
        headers = {"Content-Type": AS2}
        key = load_private_key(_KEYS[0])
        now = datetime.now(UTC)
        headers.update(sign_headers("POST", inbox, headers, body, f"{actor}#main-key", key, now))
        return httpx.post(inbox, content=body, headers=headers, timeout=10).status_code

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """What reached this server's inboxes (``kind``: of that type only)."""
        found = []
        for request in list(self.server.received):
            if request.method != "POST":
                continue
            activity = orjson.loads(request.body)
            if kind is None or activity.get("type") == kind:
                found.append(Delivery(request, activity))
        return found

    def verifies(self, delivery: Delivery) -> bool:
        """Whether the delivery's signature is its actor's, by the key the actor's server
        publishes now."""
        actor = httpx.get(delivery.activity["actor"], headers={"Accept": AS2}, timeout=10).json()
        result = verify_request(
            "POST",
            self.url(delivery.request.target),
            delivery.request.headers,
            delivery.request.body,
            load_public_key(actor["publicKey"]["publicKeyPem"]),
            datetime.now(UTC),
        )
        return bool(result.ok)
