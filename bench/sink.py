"""A fake fediverse: many instances' shared inboxes served by one cheap process on loopback.

Every instance is one loopback address (``127.0.X.Y``) on one port, so each has its own host
name for our per-host state (``127.0.0.7:PORT``). The sink answers ``POST`` with 202 (or
whatever a rule says), remembers what arrived, and answers a tiny control API on its first
address:

* ``GET  /_sink/stats``     counts, distinct activity ids per host, time of the last delivery
* ``GET  /_sink/received``  every delivery kept (with ``--keep``: headers and body too)
* ``POST /_sink/rules``     ``{"HOST": {"status": 503, "retry_after": "1", "delay": 0.5}}``;
  ``{}`` clears the rules. ``delay`` answers that much later (a slow host).

It is deliberately small and fast (httptools + uvloop) so that the benchmark measures the
sender, not the receiver. Run ``python bench/sink.py --help``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import signal
import socket
import sys
import time
from collections import defaultdict
from typing import Any

import httptools
import orjson

try:  # uvloop ships with uvicorn[standard]; the sink still runs without it
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None  # type: ignore[assignment]


def instance_address(index: int) -> str:
    """The loopback address of instance ``index`` (0-based): 127.0.0.1, 127.0.0.2, …"""
    return str(ipaddress.IPv4Address("127.0.0.1") + index + (index // 254) * 2)


class State:
    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.rules: dict[str, dict[str, Any]] = {}
        self.count = 0
        self.ids: dict[str, set[str]] = defaultdict(set)
        self.received: list[dict[str, Any]] = []
        self.first_at = 0.0
        self.last_at = 0.0

    def record(self, host: str, path: str, headers: dict[str, str], body: bytes) -> None:
        now = time.time()
        self.count += 1
        self.first_at = self.first_at or now
        self.last_at = now
        try:
            activity_id = str(orjson.loads(body).get("id"))
        except (orjson.JSONDecodeError, AttributeError):
            activity_id = ""
        self.ids[host].add(activity_id)
        if self.keep:
            entry = {"host": host, "path": path, "id": activity_id, "at": now}
            entry["headers"] = headers
            entry["body"] = body.decode("utf-8", "replace")
            self.received.append(entry)

    def stats(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "hosts": len(self.ids),
            "distinct": sum(len(ids) for ids in self.ids.values()),
            "first_at": self.first_at,
            "last_at": self.last_at,
            "pid": os.getpid(),
        }


class SinkProtocol(asyncio.Protocol):
    def __init__(self, state: State) -> None:
        self.state = state
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""
        self.headers: dict[str, str] = {}
        self.body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.respond(400, b"")
            assert self.transport is not None
            self.transport.close()

    def on_message_begin(self) -> None:
        self.url, self.headers, self.body = b"", {}, []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        method = self.parser.get_method()
        path = self.url.decode("latin-1")
        body = b"".join(self.body)
        host = self.headers.get("host", "")
        if path.startswith("/_sink/"):
            self.control(method, path, body)
            return
        if method != b"POST":
            self.respond(405, b'{"error":"POST only"}')
            return
        rule = self.state.rules.get(host, {})
        status = int(rule.get("status", 202))
        if 200 <= status < 300:
            self.state.record(host, path, self.headers, body)
        extra = {"Retry-After": str(rule["retry_after"])} if "retry_after" in rule else {}
        delay = float(rule.get("delay", 0))
        if delay:
            loop = asyncio.get_running_loop()
            loop.call_later(delay, self.respond, status, b"{}", extra)
        else:
            self.respond(status, b"" if status == 202 else b'{"error":"sink rule"}', extra)

    def control(self, method: bytes, path: str, body: bytes) -> None:
        if path == "/_sink/rules" and method == b"POST":
            self.state.rules = orjson.loads(body or b"{}")
            self.respond(200, b"{}")
        elif path == "/_sink/stats":
            self.respond(200, orjson.dumps(self.state.stats()))
        elif path == "/_sink/received":
            self.respond(200, orjson.dumps(self.state.received))
        elif path == "/_sink/reset" and method == b"POST":
            keep = self.state.keep
            self.state.__init__(keep)  # type: ignore[misc]
            self.respond(200, b"{}")
        else:
            self.respond(404, b'{"error":"no such control"}')

    def respond(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}"]
        lines.append("Content-Type: application/json")
        lines.extend(f"{name}: {value}" for name, value in (extra or {}).items())
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


async def serve(port: int, instances: int, keep: bool, ready_file: str | None) -> None:
    state = State(keep)
    loop = asyncio.get_running_loop()
    servers = []
    for index in range(instances):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((instance_address(index), port))
        if port == 0:
            port = sock.getsockname()[1]
        sock.listen(4096)
        servers.append(await loop.create_server(lambda: SinkProtocol(state), sock=sock))
    if ready_file:
        with open(ready_file + ".tmp", "w") as handle:
            handle.write(str(port))
        os.replace(ready_file + ".tmp", ready_file)
    print(f"sink: {instances} instance(s) on port {port}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep headers and bodies")
    parser.add_argument("--ready-file", help="write the port here once listening")
    args = parser.parse_args()
    runner = uvloop.run if uvloop is not None else asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        runner(serve(args.port, args.instances, args.keep, args.ready_file))


if __name__ == "__main__":
    main()
