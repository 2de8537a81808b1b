"""The lean delivery client against a real loopback server: statuses, Retry-After, excerpts,
and every failure without a status as a DeliveryError of the right kind."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

import pytest

from federation.addresses import IPAddress, parse_networks
from federation.delivery_client import EXCERPT_BYTES, HttpClients, Response
from federation.errors import DeliveryError, DeliveryErrorKind

from .loopback import LoopbackServer, Reply

LOOPBACK = parse_networks(["127.0.0.0/8"])


def request(target: str, host: str, body: bytes = b"{}") -> bytes:
    head = f"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


async def post(clients: HttpClients, url: str, seconds: float = 5.0) -> Response:
    """POST ``{}`` to ``url`` through ``clients``, then close them."""
    client, target = clients.for_url(url)
    try:
        return await client.post(request(target, client.host), seconds)
    finally:
        clients.close()


async def test_a_status_and_its_retry_after(server: LoopbackServer) -> None:
    server.route("/inbox", Reply(429, headers={"Retry-After": "120"}, body=b"slow down"))
    response = await post(HttpClients(allow_list=LOOPBACK), server.url("/inbox"))
    assert (response.status, response.retry_after, response.excerpt) == (429, "120", b"slow down")
    assert server.received[0].method == "POST"


async def test_the_excerpt_is_cut(server: LoopbackServer) -> None:
    server.route("/inbox", Reply(500, body=b"x" * 5000))
    response = await post(HttpClients(allow_list=LOOPBACK), server.url("/inbox"))
    assert len(response.excerpt) == EXCERPT_BYTES


async def test_a_name_goes_through_the_resolver_and_the_check(server: LoopbackServer) -> None:
    async def fake_dns(host: str, port: int) -> Sequence[IPAddress]:
        assert host == "social.example"
        return [ip_address("127.0.0.1")]

    server.route("/inbox", Reply(202))
    clients = HttpClients(allow_list=LOOPBACK, resolver=fake_dns)
    response = await post(clients, f"http://social.example:{server.port}/inbox")
    assert response.status == 202
    assert server.received[0].headers["host"] == "social.example"


async def test_a_refused_address_is_never_contacted(server: LoopbackServer) -> None:
    server.route("/inbox", Reply(202))
    with pytest.raises(DeliveryError) as caught:
        await post(HttpClients(), server.url("/inbox"))
    assert caught.value.kind is DeliveryErrorKind.REFUSED_ADDRESS
    assert "refused address 127.0.0.1 (loopback)" in str(caught.value)
    assert server.received == []


async def test_no_answer_in_time_is_a_timeout(server: LoopbackServer) -> None:
    server.route("/inbox", Reply(202, chunks=[b"late"], delay=2))
    with pytest.raises(DeliveryError) as caught:
        await post(HttpClients(allow_list=LOOPBACK), server.url("/inbox"), seconds=0.2)
    assert caught.value.kind is DeliveryErrorKind.TIMEOUT
    assert str(caught.value).startswith("timeout")


async def test_nobody_listening_is_a_connection_error() -> None:
    idle = LoopbackServer()
    await idle.start()
    url = idle.url("/inbox")
    await idle.stop()
    with pytest.raises(DeliveryError) as caught:
        await post(HttpClients(allow_list=LOOPBACK), url)
    assert caught.value.kind is DeliveryErrorKind.CONNECTION


@pytest.mark.parametrize("url", ["ftp://b.example/inbox", "https:///inbox", "http://b:99999/"])
def test_a_url_we_cannot_send_to_is_a_protocol_error(url: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        HttpClients().for_url(url)
    assert caught.value.kind is DeliveryErrorKind.PROTOCOL


def test_one_client_per_host_and_the_target_keeps_the_query() -> None:
    clients = HttpClients()
    first, target = clients.for_url("https://B.example/inbox?x=1")
    second, _ = clients.for_url("https://b.example/users/a/inbox")
    assert first is second
    assert (first.scheme, first.host, first.port) == ("https", "b.example", 443)
    assert target == "/inbox?x=1"
