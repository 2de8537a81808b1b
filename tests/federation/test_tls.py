"""A real TLS server on 127.0.0.1: the guarded transport connects to the checked IP, yet sends
SNI and verifies the certificate for the name (httpcore's ``sni_hostname``)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Sequence
from ipaddress import ip_address

import httpx
import pytest
import trustme

from federation.addresses import IPAddress, parse_networks
from federation.transport import GuardedTransport

from .loopback import LoopbackServer, Reply


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_server(ca: trustme.CA) -> AsyncIterator[tuple[LoopbackServer, list[str | None]]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("fedi.test").configure_cert(context)
    names: list[str | None] = []

    def remember_sni(_sock: object, name: str | None, _ctx: object) -> None:
        names.append(name)

    context.sni_callback = remember_sni
    server = LoopbackServer(ssl_context=context)
    server.route("/hello", Reply(headers={"Content-Type": "text/plain"}, body=b"hello"))
    await server.start()
    yield server, names
    await server.stop()


async def to_loopback(host: str, port: int) -> Sequence[IPAddress]:
    return [ip_address("127.0.0.1")]


def transport(ca: trustme.CA) -> GuardedTransport:
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    return GuardedTransport(
        allowed=parse_networks(["127.0.0.0/8"]),
        resolver=to_loopback,
        transport_factory=lambda: httpx.AsyncHTTPTransport(verify=client_context, retries=0),
    )


async def test_sni_and_certificate_follow_the_name(
    ca: trustme.CA, tls_server: tuple[LoopbackServer, list[str | None]]
) -> None:
    server, names = tls_server
    async with httpx.AsyncClient(transport=transport(ca)) as client:
        response = await client.get(f"https://fedi.test:{server.port}/hello")
    assert response.text == "hello"
    assert names == ["fedi.test"]
    assert server.received[0].headers["host"] == f"fedi.test:{server.port}"


async def test_a_certificate_for_another_name_is_refused(
    ca: trustme.CA, tls_server: tuple[LoopbackServer, list[str | None]]
) -> None:
    server, names = tls_server
    async with httpx.AsyncClient(transport=transport(ca)) as client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"https://other.test:{server.port}/hello")
    assert names == ["other.test"]
    assert server.received == []
