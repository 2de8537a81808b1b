"""Remote servers of other software, small but real: each is an HTTP server on its own loopback
port (its own host for our servers), in a thread of its own so that it answers while a test
waits on a CLI process. It serves WebFinger, NodeInfo (its ``software.name``: ``mastodon``,
``lemmy``…), its actors with their keys, keeps every activity POSTed to it, and signs the
activities its people send (draft-cavage, as Mastodon and Lemmy do)."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from federation.cavage import sign_headers
from federation.keys import generate_rsa_keypair, load_private_key

AS2 = "application/activity+json"
_KEYS = generate_rsa_keypair()  # one key pair for every fake actor (keygen is slow)


@dataclass
class FakeServer:
    """A fediverse server of ``software`` whose people are ``people`` (name → AS2 type)."""

    software: str
    people: dict[str, str]
    received: list[dict[str, Any]] = field(default_factory=list)
    #: what its people sent (and the objects in it), served at their ids as real servers do
    published: dict[str, dict[str, Any]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def uri(self, name: str) -> str:
        """An actor's id (``actor`` is the instance actor, as on Mastodon)."""
        return f"{self.base_url}/actor" if name == "actor" else f"{self.base_url}/users/{name}"

    def handle(self, name: str) -> str:
        return f"@{name}@{self.host}"

    def start(self) -> FakeServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def actor_document(self, name: str) -> dict[str, Any]:
        uri = self.uri(name)
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri,
            "type": "Application" if name == "actor" else self.people.get(name, "Person"),
            "preferredUsername": self.host if name == "actor" else name,
            "inbox": f"{uri}/inbox",
            "outbox": f"{uri}/outbox",
            "followers": f"{uri}/followers",
            "endpoints": {"sharedInbox": f"{self.base_url}/inbox"},
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": _KEYS[1]},
        }

    def activities(self, kind: str | None = None) -> list[dict[str, Any]]:
        """What was delivered here, in order (of ``kind`` only, when given)."""
        return [a for a in list(self.received) if kind is None or a.get("type") == kind]

    def wrapped(self, inner_kind: str) -> list[dict[str, Any]]:
        """Announces delivered here that wrap an activity of ``inner_kind`` (FEP-1b12)."""
        return [
            a
            for a in self.activities("Announce")
            if isinstance(a.get("object"), dict) and a["object"].get("type") == inner_kind
        ]

    async def post(self, inbox: str, activity: dict[str, Any], signer: str) -> httpx.Response:
        """``signer`` (one of our people) POSTs ``activity``, signed, to ``inbox``."""
        self.published[activity["id"]] = activity
        if isinstance(activity.get("object"), dict) and "id" in activity["object"]:
            self.published[activity["object"]["id"]] = activity["object"]
        body = json.dumps(activity).encode()
        headers = {"Content-Type": AS2}
        key = load_private_key(_KEYS[0])
        now = datetime.now(UTC)
        headers.update(
            sign_headers("POST", inbox, headers, body, f"{self.uri(signer)}#main-key", key, now)
        )
        async with httpx.AsyncClient(timeout=10) as http:
            return await http.post(inbox, content=body, headers=headers)


def _handler_for(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _json(self, data: Any, content_type: str = AS2, status: int = 200) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            if path == "/.well-known/nodeinfo":
                link = {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": f"{fake.base_url}/nodeinfo/2.1",
                }
                self._json({"links": [link]}, "application/json")
            elif path == "/nodeinfo/2.1":
                software = {"name": fake.software, "version": "1.0"}
                self._json({"version": "2.1", "software": software}, "application/json")
            elif path == "/.well-known/webfinger":
                resource = parse_qs(parts.query).get("resource", [""])[0]
                name = resource.removeprefix("acct:").split("@")[0]
                link = {"rel": "self", "type": AS2, "href": fake.uri(name)}
                self._json({"subject": resource, "links": [link]}, "application/jrd+json")
            elif fake.base_url + path in fake.published:
                self._json(fake.published[fake.base_url + path])
            elif path == "/actor" or path.startswith("/users/"):
                name = "actor" if path == "/actor" else path.split("/")[2]
                self._json(fake.actor_document(name))
            else:
                self._json({"error": "not found"}, status=404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            with contextlib.suppress(ValueError):
                fake.received.append(json.loads(self.rfile.read(length)))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler
