"""GuardedTransport: resolution, pinning, Host/SNI, fallback and per-name pools (unit tests
over httpx.MockTransport; the real-server behaviour is in test_fetch.py)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

import httpx
import pytest

from federation.addresses import IPAddress, parse_networks
from federation.errors import RefusedAddress
from federation.transport import GuardedTransport

PUBLIC = ip_address("93.184.216.34")
PUBLIC_2 = ip_address("93.184.216.35")


def resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> Sequence[IPAddress]:
        if host not in table:
            raise OSError("no such host")
        return [ip_address(a) for a in table[host]]

    return resolve


class Recorder:
    def __init__(self, fail_hosts: Sequence[str] = ()) -> None:
        self.requests: list[httpx.Request] = []
        self.fail_hosts = set(fail_hosts)
        self.transports: list[httpx.MockTransport] = []
        self.closed = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.fail_hosts:
            raise httpx.ConnectError("refused", request=request)
        self.requests.append(request)
        return httpx.Response(200, text="ok")

    def factory(self) -> httpx.AsyncBaseTransport:
        recorder = self

        class Closing(httpx.MockTransport):
            async def aclose(self) -> None:
                recorder.closed += 1

        transport = Closing(self.handle)
        self.transports.append(transport)
        return transport


def guarded(recorder: Recorder, table: dict[str, list[str]], **kwargs: object) -> GuardedTransport:
    return GuardedTransport(
        resolver=resolver(table),
        transport_factory=recorder.factory,
        **kwargs,
    )


async def test_connects_to_the_address_with_host_and_sni_of_the_name() -> None:
    recorder = Recorder()
    transport = guarded(recorder, {"social.example": [str(PUBLIC)]})
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get("https://social.example/users/alice?x=1")
    assert response.text == "ok"
    sent = recorder.requests[0]
    assert str(sent.url) == f"https://{PUBLIC}/users/alice?x=1"
    assert sent.headers["host"] == "social.example"
    assert sent.extensions["sni_hostname"] == "social.example"


async def test_plain_http_sets_no_sni_and_keeps_the_port() -> None:
    recorder = Recorder()
    transport = guarded(recorder, {"social.example": [str(PUBLIC)]})
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("http://social.example:8080/")
    sent = recorder.requests[0]
    assert str(sent.url) == f"http://{PUBLIC}:8080/"
    assert sent.headers["host"] == "social.example:8080"
    assert "sni_hostname" not in sent.extensions


async def test_every_resolved_address_is_checked() -> None:
    recorder = Recorder()
    transport = guarded(recorder, {"mixed.example": [str(PUBLIC), "10.0.0.7"]})
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(RefusedAddress) as caught:
            await client.get("https://mixed.example/")
    assert (caught.value.reason, caught.value.address) == ("private", "10.0.0.7")
    assert recorder.requests == []


async def test_a_public_name_resolving_to_a_private_address() -> None:
    recorder = Recorder()
    transport = guarded(recorder, {"rebind.example": ["192.168.1.1"]})
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(RefusedAddress, match="private"):
            await client.get("https://rebind.example/")


async def test_allow_list_lets_a_private_address_through() -> None:
    recorder = Recorder()
    transport = guarded(
        recorder, {"lan.example": ["10.0.0.7"]}, allowed=parse_networks(["10.0.0.0/8"])
    )
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://lan.example/")
    assert recorder.requests[0].url.host == "10.0.0.7"


async def test_falls_back_to_the_next_address() -> None:
    recorder = Recorder(fail_hosts=[str(PUBLIC)])
    transport = guarded(recorder, {"two.example": [str(PUBLIC), str(PUBLIC_2)]})
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://two.example/")
    assert recorder.requests[0].url.host == str(PUBLIC_2)


async def test_all_addresses_failing_raises_connect_error() -> None:
    recorder = Recorder(fail_hosts=[str(PUBLIC)])
    transport = guarded(recorder, {"down.example": [str(PUBLIC)]})
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("https://down.example/")


async def test_unresolvable_name_is_a_connect_error() -> None:
    transport = guarded(Recorder(), {})
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.ConnectError, match="cannot resolve"):
            await client.get("https://nowhere.example/")


async def test_one_pool_per_name_and_idle_pools_are_evicted() -> None:
    recorder = Recorder()
    table = {name: [str(PUBLIC)] for name in ("a.example", "b.example", "c.example")}
    transport = guarded(recorder, table, max_pools=2)
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://a.example/")
        await client.get("https://a.example/again")
        assert len(recorder.transports) == 1
        await client.get("https://b.example/")
        await client.get("https://c.example/")
        assert len(recorder.transports) == 3
        assert recorder.closed == 1  # a.example's pool, the least recently used
    assert recorder.closed == 3
