"""resolve_checked: the one resolve-and-check both transports pass (fake DNS tables; the
transports' own use of it is in test_transport.py and test_delivery_client.py)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

import pytest

from federation.addresses import IPAddress, parse_networks
from federation.errors import RefusedAddress
from federation.resolve import resolve_checked, resolve_host

TABLE = {
    "social.example": ["93.184.216.34", "2606:2800:220:1::1"],
    "mixed.example": ["93.184.216.34", "10.0.0.7"],
    "lan.example": ["10.0.0.7"],
}


async def fake_dns(host: str, port: int) -> Sequence[IPAddress]:
    if host not in TABLE:
        raise OSError("no such host")
    return [ip_address(a) for a in TABLE[host]]


async def test_resolve_host_literals_and_names() -> None:
    assert await resolve_host("127.0.0.1", 80) == [ip_address("127.0.0.1")]
    assert await resolve_host("::1", 80) == [ip_address("::1")]
    assert ip_address("127.0.0.1") in await resolve_host("localhost", 80)


async def test_public_addresses_come_back_in_order() -> None:
    addresses = await resolve_checked("social.example", 443, (), fake_dns)
    assert [str(a) for a in addresses] == TABLE["social.example"]


async def test_one_refused_address_refuses_the_name() -> None:
    with pytest.raises(RefusedAddress) as caught:
        await resolve_checked("mixed.example", 443, (), fake_dns, url="https://mixed.example/")
    assert (caught.value.reason, caught.value.address) == ("private", "10.0.0.7")
    assert caught.value.url == "https://mixed.example/"


async def test_the_allow_list_lets_private_addresses_through() -> None:
    allowed = parse_networks(["10.0.0.0/8"])
    assert await resolve_checked("lan.example", 80, allowed, fake_dns) == [ip_address("10.0.0.7")]


async def test_an_unresolvable_name_is_an_os_error() -> None:
    with pytest.raises(OSError, match="no such host"):
        await resolve_checked("nowhere.example", 80, (), fake_dns)


async def test_literals_are_checked_too() -> None:
    with pytest.raises(RefusedAddress, match="loopback"):
        await resolve_checked("127.0.0.1", 80)
