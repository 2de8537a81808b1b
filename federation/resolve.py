"""Resolve a host and check every address it resolves to: the one SSRF gate of DESIGN.md §5.

Both HTTP transports pass through :func:`resolve_checked` before they connect: the guarded
httpx transport of fetches (:mod:`federation.transport`) and the lean client of deliveries
(:mod:`federation.delivery_client`). Each then connects only to an address returned here, so
no second lookup can answer differently (no DNS rebinding). A name with one refused address is
refused outright: which address a connection would use is not ours to predict.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from ipaddress import ip_address
from typing import TypeAlias

from federation.addresses import IPAddress, IPNetwork, classify_address
from federation.errors import RefusedAddress

Resolver: TypeAlias = Callable[[str, int], Awaitable[Sequence[IPAddress]]]


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` with the running loop's ``getaddrinfo``; IP literals resolve to
    themselves. Order is kept, duplicates dropped. Raises ``OSError`` when nothing resolves."""
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ip_address(str(sockaddr[0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError(f"{host} resolved to no address")
    return addresses


async def resolve_checked(
    host: str,
    port: int,
    allowed: Iterable[IPNetwork] = (),
    resolver: Resolver = resolve_host,
    *,
    url: str | None = None,
) -> Sequence[IPAddress]:
    """The addresses of ``host``, every one checked by
    :func:`federation.addresses.classify_address` against the ``allowed`` networks.

    Raises ``OSError`` when the name does not resolve, and :class:`RefusedAddress` (its
    ``reason`` the :class:`~federation.addresses.Refusal`, its ``address`` the culprit) when
    any address is refused; ``url`` is only carried into the error.
    """
    addresses = await resolver(host, port)
    allowed = tuple(allowed)
    for address in addresses:
        refusal = classify_address(address, allowed)
        if refusal is not None:
            raise RefusedAddress(str(refusal), url=url, address=str(address))
    return addresses
