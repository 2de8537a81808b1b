"""An ``httpx`` transport that resolves names itself and connects only to checked addresses.

The name is resolved and every address checked by :func:`federation.resolve.resolve_checked`
(the SSRF gate the delivery client passes too). The connection then goes to a checked address
— the request URL's host is replaced by it — while the ``Host`` header and the TLS SNI /
certificate name stay the original name, through httpcore's ``sni_hostname`` request extension
(https://www.encode.io/httpcore/extensions/#sni_hostname).

Because httpcore pools connections by URL origin, which is now an IP, connections for
different names on one IP would be shared — and a TLS connection verified for one name would
serve another. So each name gets its own inner pool (a bounded LRU of them; idle pools are
closed when evicted).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from ipaddress import ip_address
from typing import TypeAlias

import httpx

from federation.addresses import IPAddress, IPNetwork
from federation.resolve import Resolver, resolve_checked, resolve_host

TransportFactory: TypeAlias = Callable[[], httpx.AsyncBaseTransport]

DEFAULT_MAX_POOLS = 256
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(slots=True)
class _Pool:
    transport: httpx.AsyncBaseTransport
    in_flight: int = 0


class _ReleasingStream(httpx.AsyncByteStream):
    """Wraps a response body so its pool counts as busy until the body is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class GuardedTransport(httpx.AsyncBaseTransport):
    """Resolve, check every address, connect to a checked one; keep Host and SNI names."""

    def __init__(
        self,
        *,
        allowed: Iterable[IPNetwork] = (),
        resolver: Resolver = resolve_host,
        transport_factory: TransportFactory | None = None,
        max_pools: int = DEFAULT_MAX_POOLS,
    ) -> None:
        self._allowed = tuple(allowed)
        self._resolver = resolver
        self._factory = transport_factory or (lambda: httpx.AsyncHTTPTransport(retries=0))
        self._max_pools = max_pools
        self._pools: OrderedDict[str, _Pool] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to a checked address of its host (raises ``RefusedAddress``)."""
        host = request.url.host
        addresses = await self._checked_addresses(request)
        name = host.lower()
        pool = await self._acquire(name)
        last_error: httpx.ConnectError | None = None
        try:
            for address in addresses:
                try:
                    response = await pool.transport.handle_async_request(_pin(request, address))
                except httpx.ConnectError as exc:
                    last_error = exc
                    continue
                stream = _ReleasingStream(_as_async_stream(response), lambda: self._release(pool))
                return httpx.Response(
                    response.status_code,
                    headers=response.headers,
                    stream=stream,
                    extensions=response.extensions,
                )
        except BaseException:
            self._release(pool)
            raise
        self._release(pool)
        assert last_error is not None
        raise last_error

    async def aclose(self) -> None:
        """Close every inner pool."""
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()

    async def _checked_addresses(self, request: httpx.Request) -> Sequence[IPAddress]:
        url = request.url
        port = url.port or _DEFAULT_PORTS.get(url.scheme, 443)
        try:
            return await resolve_checked(
                url.host, port, self._allowed, self._resolver, url=str(url)
            )
        except OSError as exc:
            message = f"cannot resolve {url.host}: {exc}"
            raise httpx.ConnectError(message, request=request) from exc

    async def _acquire(self, name: str) -> _Pool:
        pool = self._pools.get(name)
        if pool is None:
            pool = self._pools[name] = _Pool(self._factory())
            await self._evict_idle(keep=name)
        self._pools.move_to_end(name)
        pool.in_flight += 1
        return pool

    def _release(self, pool: _Pool) -> None:
        pool.in_flight -= 1

    async def _evict_idle(self, keep: str) -> None:
        for name in list(self._pools):
            if len(self._pools) <= self._max_pools:
                return
            pool = self._pools[name]
            if name != keep and pool.in_flight == 0:
                del self._pools[name]
                await pool.transport.aclose()


def _pin(request: httpx.Request, address: IPAddress) -> httpx.Request:
    """The same request aimed at ``address``, with Host and SNI naming the original host."""
    url = request.url
    headers = request.headers.copy()
    if "host" not in headers:
        headers["Host"] = url.netloc.decode("ascii")
    extensions = dict(request.extensions)
    if url.scheme == "https" and not _is_ip_literal(url.host):
        extensions["sni_hostname"] = url.host
    return httpx.Request(
        request.method,
        url.copy_with(host=str(address)),
        headers=headers,
        stream=request.stream,
        extensions=extensions,
    )


def _is_ip_literal(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def _as_async_stream(response: httpx.Response) -> httpx.AsyncByteStream:
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise TypeError("inner transport returned a synchronous stream")
    return stream
