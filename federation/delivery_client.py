"""A lean HTTP/1.1 client for the delivery hot path: keep-alive connections per host.

Why not httpx or aiohttp here: on this 2-core machine, one 2 KB signed POST to each of 500
loopback hosts, with signing in threads, reached 0.41 of the RSA signing ceiling through
aiohttp and 0.67 through this client (see docs/delivery.md, "Choosing the client"); plain
httpx is lower still (encode/httpx#3215). Fetches speak httpx (:mod:`federation.transport`).

The parsing is httptools (the parser uvicorn uses); what is ours is small: one
:class:`HostClient` per destination host with its own connection cap and idle keep-alive
connections, name resolution done once per host through the SSRF gate both transports share
(:func:`federation.resolve.resolve_checked`; the connection is made to a checked address), a
total timeout per request, and one retry on a fresh connection when a reused keep-alive
connection turns out closed. Every failure without a status is a
:class:`~federation.errors.DeliveryError`.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

from federation.addresses import IPNetwork
from federation.errors import DeliveryError, DeliveryErrorKind, RefusedAddress
from federation.resolve import Resolver, resolve_checked, resolve_host

#: Bytes of a response body kept for the admin view.
EXCERPT_BYTES = 512
_PARSED_URLS = 100_000
#: A response body longer than this is not read to its end: the connection is closed instead.
MAX_DRAIN_BYTES = 1_048_576
#: How long resolved addresses are reused.
RESOLVE_TTL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    retry_after: str | None
    excerpt: bytes


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self.received = False
        self._reset()

    def _reset(self) -> None:
        self.retry_after: str | None = None
        self.excerpt = bytearray()
        self.body_bytes = 0
        self.close_after = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(DeliveryError(DeliveryErrorKind.PROTOCOL, "unexpected upgrade"))
        except httptools.HttpParserError as exc:
            self._fail(DeliveryError(DeliveryErrorKind.PROTOCOL, f"bad response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        detail = f"connection closed: {exc or 'by peer'}"
        self._fail(DeliveryError(DeliveryErrorKind.CONNECTION, detail))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"retry-after":
            self.retry_after = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        if len(self.excerpt) < EXCERPT_BYTES:
            self.excerpt += body[: EXCERPT_BYTES - len(self.excerpt)]
        if self.body_bytes > MAX_DRAIN_BYTES:
            self.close_after = True
            self._finish()

    def on_message_complete(self) -> None:
        self.close_after = self.close_after or not self.parser.should_keep_alive()
        self._finish()

    # ours
    def send(self, data: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.received = False
        self._reset()
        self.transport.write(data)
        return self.waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _finish(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            status = self.parser.get_status_code()
            waiter.set_result(Response(status, self.retry_after, bytes(self.excerpt)))
        if self.close_after:
            self.close()
        else:
            self.parser = httptools.HttpResponseParser(self)

    def _fail(self, error: DeliveryError) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.close()


class HostClient:
    """Keep-alive connections to one ``scheme://host:port``, at most ``limit`` in flight."""

    def __init__(
        self, scheme: str, host: str, port: int, *, limit: int, clients: HttpClients
    ) -> None:
        self.scheme, self.host, self.port = scheme, host, port
        self.clients = clients
        self.semaphore = asyncio.Semaphore(limit)
        self.idle: list[_Connection] = []
        self.in_flight = 0
        self.last_used = time.monotonic()
        self._addresses: list[str] = []
        self._resolved_at = 0.0

    async def post(self, request: bytes, timeout: float) -> Response:  # noqa: ASYNC109
        """Send a complete request (head and body); return the status and an excerpt."""
        async with self.semaphore:
            self.in_flight += 1
            try:
                async with asyncio.timeout(timeout):
                    return await self._exchange(request)
            except TimeoutError:
                detail = f"no answer within {timeout:g}s"
                raise DeliveryError(DeliveryErrorKind.TIMEOUT, detail) from None
            finally:
                self.in_flight -= 1
                self.last_used = time.monotonic()

    async def _exchange(self, request: bytes) -> Response:
        connection, reused = await self._acquire()
        try:
            response = await connection.send(request)
        except DeliveryError:
            connection.close()
            if not (reused and not connection.received):
                raise
            # the server had closed the idle keep-alive connection: once more, afresh
            connection = await self._connect()
            response = await connection.send(request)
        except BaseException:
            connection.close()  # cancelled mid-request: the connection is in an unknown state
            raise
        if not connection.closed:
            self.idle.append(connection)
        return response

    async def _acquire(self) -> tuple[_Connection, bool]:
        while self.idle:
            connection = self.idle.pop()
            if not connection.closed:
                return connection, True
        return await self._connect(), False

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        tls = self.clients.ssl_context if self.scheme == "https" else None
        error: OSError | None = None
        for address in await self._resolve():
            try:
                _, connection = await loop.create_connection(
                    _Connection,
                    address,
                    self.port,
                    ssl=tls,
                    server_hostname=self.host if tls else None,
                )
            except OSError as exc:
                error = exc
                continue
            return connection
        raise DeliveryError(DeliveryErrorKind.CONNECTION, f"cannot connect to {self.host}: {error}")

    async def _resolve(self) -> list[str]:
        if self._addresses and time.monotonic() - self._resolved_at < RESOLVE_TTL_SECONDS:
            return self._addresses
        clients = self.clients
        try:
            checked = await resolve_checked(
                self.host.strip("[]"), self.port, clients.allow_list, clients.resolver
            )
        except RefusedAddress as exc:
            detail = f"{self.host} resolves to refused address {exc.address} ({exc.reason})"
            raise DeliveryError(DeliveryErrorKind.REFUSED_ADDRESS, detail) from None
        except OSError as exc:
            detail = f"cannot resolve {self.host}: {exc}"
            raise DeliveryError(DeliveryErrorKind.CONNECTION, detail) from None
        self._addresses, self._resolved_at = [str(a) for a in checked], time.monotonic()
        return self._addresses

    def close_idle(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


class HttpClients:
    """One :class:`HostClient` per destination, made on first use, dropped when idle."""

    def __init__(
        self,
        *,
        allow_list: Iterable[IPNetwork] = (),
        limit_per_host: int = 4,
        idle_seconds: float = 60,
        resolver: Resolver = resolve_host,
    ) -> None:
        self.allow_list = tuple(allow_list)
        self.resolver = resolver
        self.limit_per_host = limit_per_host
        self.idle_seconds = idle_seconds
        self.ssl_context = ssl.create_default_context()
        self._clients: dict[tuple[str, str, int], HostClient] = {}
        # inbox URL → (client key, request target): parsed once, not for every delivery
        self._parsed: dict[str, tuple[tuple[str, str, int], str]] = {}

    def for_url(self, url: str) -> tuple[HostClient, str]:
        """The client of ``url``'s host and the request target (path and query) to use."""
        parsed = self._parsed.get(url)
        if parsed is None:
            parsed = self._parse(url)
            if len(self._parsed) >= _PARSED_URLS:
                self._parsed.clear()
            self._parsed[url] = parsed
        key, target = parsed
        client = self._clients.get(key)
        if client is None:
            client = HostClient(key[0], key[1], key[2], limit=self.limit_per_host, clients=self)
            self._clients[key] = client
        return client, target

    @staticmethod
    def _parse(url: str) -> tuple[tuple[str, str, int], str]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise DeliveryError(DeliveryErrorKind.PROTOCOL, f"not an http(s) URL: {url}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise DeliveryError(DeliveryErrorKind.PROTOCOL, f"bad port in {url}") from None
        key = (scheme, parts.hostname.lower(), port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return key, target

    def prune(self) -> None:
        """Close connections idle for longer than ``idle_seconds`` and forget their hosts."""
        horizon = time.monotonic() - self.idle_seconds
        for key, client in list(self._clients.items()):
            if client.in_flight == 0 and client.last_used < horizon:
                client.close_idle()
                del self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close_idle()
        self._clients.clear()
