"""The SSRF guard: every refused range, every IPv4 embedding, the allow-list override."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_network

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from federation.addresses import Refusal, classify_address, parse_networks


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("0.0.0.0", Refusal.UNSPECIFIED),
        ("0.1.2.3", Refusal.UNSPECIFIED),
        ("127.0.0.1", Refusal.LOOPBACK),
        ("127.255.255.254", Refusal.LOOPBACK),
        ("10.0.0.1", Refusal.PRIVATE),
        ("172.16.0.1", Refusal.PRIVATE),
        ("172.31.255.255", Refusal.PRIVATE),
        ("192.168.1.1", Refusal.PRIVATE),
        ("100.64.0.1", Refusal.SHARED),
        ("100.127.255.255", Refusal.SHARED),
        ("169.254.169.254", Refusal.LINK_LOCAL),
        ("192.0.0.8", Refusal.RESERVED),
        ("192.0.2.1", Refusal.DOCUMENTATION),
        ("198.51.100.7", Refusal.DOCUMENTATION),
        ("203.0.113.9", Refusal.DOCUMENTATION),
        ("198.18.0.1", Refusal.BENCHMARKING),
        ("198.19.255.255", Refusal.BENCHMARKING),
        ("192.88.99.1", Refusal.RESERVED),
        ("224.0.0.1", Refusal.MULTICAST),
        ("239.255.255.250", Refusal.MULTICAST),
        ("240.0.0.1", Refusal.RESERVED),
        ("255.255.255.255", Refusal.BROADCAST),
        ("::", Refusal.UNSPECIFIED),
        ("::1", Refusal.LOOPBACK),
        ("fe80::1", Refusal.LINK_LOCAL),
        ("fec0::1", Refusal.SITE_LOCAL),
        ("fc00::1", Refusal.UNIQUE_LOCAL),
        ("fd12:3456:789a::1", Refusal.UNIQUE_LOCAL),
        ("ff02::1", Refusal.MULTICAST),
        ("2001:db8::1", Refusal.DOCUMENTATION),
        ("3fff::1", Refusal.DOCUMENTATION),
        ("2001:2::1", Refusal.BENCHMARKING),
        ("2001:10::1", Refusal.RESERVED),
        ("100::1", Refusal.RESERVED),
        ("4000::1", Refusal.RESERVED),
        ("::ffff:0:a00:1", Refusal.RESERVED),
        ("64:ff9b:1::808:808", Refusal.NAT64_LOCAL),
    ],
)
def test_refused_ranges(address: str, refusal: Refusal) -> None:
    assert classify_address(address) is refusal


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111"]
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("::ffff:127.0.0.1", Refusal.LOOPBACK),
        ("::ffff:10.0.0.1", Refusal.PRIVATE),
        ("::ffff:169.254.169.254", Refusal.LINK_LOCAL),
        ("::ffff:8.8.8.8", Refusal.IPV4_MAPPED),
        ("::127.0.0.1", Refusal.IPV4_COMPATIBLE),
        ("::8.8.8.8", Refusal.IPV4_COMPATIBLE),
        ("2002:7f00:1::", Refusal.LOOPBACK),
        ("2002:a00:1::1", Refusal.PRIVATE),
        ("2002:a9fe:a9fe::", Refusal.LINK_LOCAL),
        ("64:ff9b::127.0.0.1", Refusal.LOOPBACK),
        ("64:ff9b::192.168.0.1", Refusal.PRIVATE),
        ("64:ff9b::100.64.0.1", Refusal.SHARED),
    ],
)
def test_embedded_ipv4_is_judged(address: str, refusal: Refusal) -> None:
    assert classify_address(address) is refusal


def teredo(server: str, client: str) -> str:
    """RFC 4380 §4: 2001:0000:<server v4>:<flags>:<port ^ 0xffff>:<client v4 ^ 0xffffffff>."""
    value = (
        (0x20010000 << 96)
        | (int(IPv4Address(server)) << 64)
        | (0x8000 << 48)
        | ((0xFFFF ^ 0x1234) << 32)
        | (int(IPv4Address(client)) ^ 0xFFFFFFFF)
    )
    return str(IPv6Address(value))


@pytest.mark.parametrize(
    ("server", "client", "refusal"),
    [
        ("65.54.227.120", "192.0.2.45", Refusal.DOCUMENTATION),
        ("65.54.227.120", "127.0.0.1", Refusal.LOOPBACK),
        ("10.0.0.1", "8.8.8.8", Refusal.PRIVATE),
        ("65.54.227.120", "8.8.8.8", None),
    ],
)
def test_teredo_embeds_are_judged(server: str, client: str, refusal: Refusal | None) -> None:
    assert classify_address(teredo(server, client)) is refusal


def test_routable_wrappers_of_public_addresses_pass() -> None:
    assert classify_address("2002:808:808::1") is None
    assert classify_address("64:ff9b::8.8.8.8") is None


def test_allow_list_overrides() -> None:
    loopback = parse_networks(["127.0.0.0/8"])
    assert classify_address("127.0.0.1", loopback) is None
    assert classify_address("::ffff:127.0.0.1", loopback) is None
    assert classify_address("::1", loopback) is Refusal.LOOPBACK
    assert classify_address("10.0.0.1", loopback) is Refusal.PRIVATE
    assert classify_address("fd00::1", parse_networks(["fd00::/8"])) is None


def test_parse_networks_is_strict() -> None:
    with pytest.raises(ValueError, match="host bits"):
        parse_networks(["127.0.0.1/8"])


REFUSED_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
]


@st.composite
def refused_v4(draw: st.DrawFn) -> IPv4Address:
    network = ip_network(draw(st.sampled_from(REFUSED_V4)))
    assert isinstance(network, IPv4Network)
    offset = draw(st.integers(0, network.num_addresses - 1))
    return network.network_address + offset


@given(refused_v4())
def test_every_address_of_a_refused_v4_range_is_refused(ip: IPv4Address) -> None:
    assert classify_address(ip) is not None


@given(refused_v4())
def test_every_embedding_of_a_refused_v4_is_refused(ip: IPv4Address) -> None:
    embeddings = [
        IPv6Address((0xFFFF << 32) | int(ip)),  # IPv4-mapped
        IPv6Address(int(ip)),  # IPv4-compatible
        IPv6Address((0x2002 << 112) | (int(ip) << 80)),  # 6to4
        IPv6Address((0x64FF9B << 96) | int(ip)),  # NAT64 well-known prefix
        IPv6Address(teredo("65.54.227.120", str(ip))),  # Teredo client
    ]
    for embedded in embeddings:
        assert classify_address(embedded) is not None, embedded


@given(st.ip_addresses(v=4))
def test_v4_allowed_only_if_python_calls_it_global(ip: IPv4Address) -> None:
    if classify_address(ip) is None:
        assert ip.is_global


@given(st.ip_addresses(v=6))
def test_v6_outside_global_unicast_is_refused(ip: IPv6Address) -> None:
    assume(ip.ipv4_mapped is None and ip.sixtofour is None)
    assume(ip not in ip_network("2001::/32") and ip not in ip_network("64:ff9b::/96"))
    if not ip.is_global:
        assert classify_address(ip) is not None


@given(st.ip_addresses(), st.integers(0, 32))
def test_an_allow_list_containing_the_address_always_wins(ip: object, prefix: int) -> None:
    assert isinstance(ip, IPv4Address | IPv6Address)
    network = ip_network(f"{ip}/{prefix if ip.version == 4 else prefix * 4}", strict=False)
    assert classify_address(ip, [network]) is None
