"""Who is asking, and which request this is: the one place that reads forwarded headers.

uvicorn runs with ``proxy_headers=False``, so this middleware alone decides. ``X-Forwarded-For``
and ``X-Request-Id`` are believed only when the direct peer is a trusted proxy
(``FEDIVERSE_TRUSTED_PROXIES``); the client is then the right-most hop that is not itself a
trusted proxy (what nginx's ``real_ip_recursive on`` does). ``X-Forwarded-Proto`` and
``-Host`` are kept for the logs only: public URLs always come from the settings.

Each request gets an id (the proxy's, or a new one), returned as ``X-Request-Id``, set in the
logging context for every line logged while handling it, and written in one access-log line
with its latency, which also feeds the HTTP metrics.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from community.metrics import record_http_request
from community.settings import Network
from fediverse.logs import request_id

access_log = logging.getLogger("fediverse.access")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes are logged at DEBUG so that they do not drown the access log.
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def parse_address(value: str) -> IPAddress | None:
    """An address from a forwarded hop (``1.2.3.4``, ``[::1]``, ``1.2.3.4:5678``), or None."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted(address: IPAddress | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def resolve_client(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client address: the peer, or the right-most untrusted hop when the peer is trusted."""
    peer_address = parse_address(peer)
    if not is_trusted(peer_address, trusted):
        return peer
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = parse_address(hop)
        if address is None:  # garbage: keep the last hop a trusted proxy vouched for
            break
        client = str(address)
        if not is_trusted(address, trusted):
            break
    return client


class RequestContextMiddleware:
    """Client address, request id, access log and HTTP metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        peer = scope["client"][0] if scope.get("client") else ""
        from_proxy = is_trusted(parse_address(peer), self.trusted)
        rid = headers.get("x-request-id", "") if from_proxy else ""
        rid = rid if _REQUEST_ID_RE.match(rid) else uuid.uuid4().hex
        forwarded = {
            "proto": headers.get("x-forwarded-proto") if from_proxy else None,
            "host": headers.get("x-forwarded-host") if from_proxy else None,
        }
        if from_proxy:
            client = resolve_client(
                peer, ",".join(headers.getlist("x-forwarded-for")), self.trusted
            )
            scope["client"] = (client, 0)
        scope.setdefault("state", {})["forwarded"] = forwarded
        token = request_id.set(rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self._account(scope, status, elapsed, peer, forwarded)
            request_id.reset(token)

    def _account(
        self, scope: Scope, status: int, elapsed: float, peer: str, forwarded: dict[str, str | None]
    ) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"]
        record_http_request(method, route, status, elapsed)
        client = scope["client"][0] if scope.get("client") else ""
        access_log.log(
            logging.DEBUG if scope["path"] in _QUIET_PATHS else logging.INFO,
            '%s "%s %s" %d %.1fms',
            client,
            method,
            scope["path"],
            status,
            elapsed * 1000,
            extra={
                "client": client,
                "peer": peer,
                "method": method,
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "forwarded_proto": forwarded["proto"],
                "forwarded_host": forwarded["host"],
            },
        )
