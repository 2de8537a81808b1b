"""The SSRF guard: which IP addresses outgoing requests may reach.

Special-purpose ranges come from the IANA IPv4 and IPv6 Special-Purpose Address Registries
(RFC 6890) and the RFCs they cite: RFC 1122 §3.2.1.3 (this network, loopback), RFC 1918
(private), RFC 6598 (CGNAT shared space), RFC 3927 (IPv4 link-local), RFC 5737 / RFC 3849 /
RFC 9637 (documentation), RFC 2544 / RFC 5180 (benchmarking), RFC 5771 (multicast),
RFC 1112 §4 (class E, broadcast), RFC 4193 (unique-local), RFC 3879 (site-local),
RFC 4291 §2.4–2.5 (IPv6 loopback, link-local, multicast, IPv4-mapped, IPv4-compatible),
RFC 3056 (6to4), RFC 4380 (Teredo), RFC 6052 / RFC 8215 (NAT64). Addresses that embed an IPv4
address (6to4, Teredo, the NAT64 well-known prefix) are judged by what they embed: they are
globally routable wrappers, and refusing them outright would break IPv6-only deployments
behind DNS64. IPv4-mapped/-compatible forms and the local-use NAT64 prefix are refused.

An explicit allow-list of networks (tests, private deployments) overrides everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TypeAlias

IPAddress: TypeAlias = IPv4Address | IPv6Address
IPNetwork: TypeAlias = IPv4Network | IPv6Network


class Refusal(StrEnum):
    """Why an address may not be reached (a ``str``, so it reads well in logs)."""

    UNSPECIFIED = "unspecified"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    SHARED = "shared-cgnat"
    LINK_LOCAL = "link-local"
    SITE_LOCAL = "site-local"
    UNIQUE_LOCAL = "unique-local"
    MULTICAST = "multicast"
    BROADCAST = "broadcast"
    RESERVED = "reserved"
    DOCUMENTATION = "documentation"
    BENCHMARKING = "benchmarking"
    IPV4_MAPPED = "ipv4-mapped"
    IPV4_COMPATIBLE = "ipv4-compatible"
    NAT64_LOCAL = "nat64-local-use"


def _nets(refusal: Refusal, *cidrs: str) -> list[tuple[IPNetwork, Refusal]]:
    return [(ip_network(cidr), refusal) for cidr in cidrs]


_IPV4_RANGES = [
    *_nets(Refusal.UNSPECIFIED, "0.0.0.0/8"),
    *_nets(Refusal.PRIVATE, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
    *_nets(Refusal.SHARED, "100.64.0.0/10"),
    *_nets(Refusal.LOOPBACK, "127.0.0.0/8"),
    *_nets(Refusal.LINK_LOCAL, "169.254.0.0/16"),
    *_nets(Refusal.DOCUMENTATION, "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
    *_nets(Refusal.BENCHMARKING, "198.18.0.0/15"),
    *_nets(Refusal.RESERVED, "192.0.0.0/24", "192.88.99.0/24"),
    *_nets(Refusal.MULTICAST, "224.0.0.0/4"),
    *_nets(Refusal.BROADCAST, "255.255.255.255/32"),
    *_nets(Refusal.RESERVED, "240.0.0.0/4"),
]

_IPV6_RANGES = [
    *_nets(Refusal.UNSPECIFIED, "::/128"),
    *_nets(Refusal.LOOPBACK, "::1/128"),
    *_nets(Refusal.IPV4_MAPPED, "::ffff:0:0/96"),
    *_nets(Refusal.IPV4_COMPATIBLE, "::/96"),
    *_nets(Refusal.RESERVED, "::ffff:0:0:0/96", "100::/64"),
    *_nets(Refusal.NAT64_LOCAL, "64:ff9b:1::/48"),
    *_nets(Refusal.BENCHMARKING, "2001:2::/48"),
    *_nets(Refusal.RESERVED, "2001:10::/28", "2001:20::/28", "5f00::/16"),
    *_nets(Refusal.DOCUMENTATION, "2001:db8::/32", "3fff::/20"),
    *_nets(Refusal.UNIQUE_LOCAL, "fc00::/7"),
    *_nets(Refusal.LINK_LOCAL, "fe80::/10"),
    *_nets(Refusal.SITE_LOCAL, "fec0::/10"),
    *_nets(Refusal.MULTICAST, "ff00::/8"),
]

_NAT64_WELL_KNOWN = ip_network("64:ff9b::/96")
_TEREDO = ip_network("2001::/32")
_SIX_TO_FOUR = ip_network("2002::/16")
_IETF_PROTOCOL = ip_network("2001::/23")
_GLOBAL_UNICAST = ip_network("2000::/3")


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse an allow-list such as ``["127.0.0.0/8", "fd00::/8"]`` (strict CIDR)."""
    return tuple(ip_network(cidr) for cidr in cidrs)


def classify_address(address: IPAddress | str, allowed: Iterable[IPNetwork] = ()) -> Refusal | None:
    """Return why ``address`` must not be reached, or ``None`` when it may be.

    ``allowed`` networks override every refusal (an IPv4-mapped address is allowed when
    the IPv4 address it carries is).
    """
    ip = ip_address(address) if isinstance(address, str) else address
    allowed = tuple(allowed)
    if _is_allowed(ip, allowed):
        return None
    if isinstance(ip, IPv4Address):
        return _classify_v4(ip)
    return _classify_v6(ip)


def _is_allowed(ip: IPAddress, allowed: tuple[IPNetwork, ...]) -> bool:
    mapped = ip.ipv4_mapped if isinstance(ip, IPv6Address) else None
    candidates = (ip,) if mapped is None else (ip, mapped)
    return any(c.version == n.version and c in n for c in candidates for n in allowed)


def _classify_v4(ip: IPv4Address) -> Refusal | None:
    for network, refusal in _IPV4_RANGES:
        if ip in network:
            return refusal
    return None


def _classify_v6(ip: IPv6Address) -> Refusal | None:
    embedded = _embedded_v4(ip)
    if embedded is not None:
        return next((r for r in map(_classify_v4, embedded) if r is not None), None)
    for network, refusal in _IPV6_RANGES:
        if ip in network:
            return _refine_mapped(ip, refusal)
    if ip in _IETF_PROTOCOL or ip not in _GLOBAL_UNICAST:
        return Refusal.RESERVED
    return None


def _refine_mapped(ip: IPv6Address, refusal: Refusal) -> Refusal:
    """Name the embedded address's own refusal when a mapped address carries one."""
    if refusal is Refusal.IPV4_MAPPED and ip.ipv4_mapped is not None:
        return _classify_v4(ip.ipv4_mapped) or refusal
    return refusal


def _embedded_v4(ip: IPv6Address) -> tuple[IPv4Address, ...] | None:
    """The IPv4 addresses a routable IPv6 wrapper carries (6to4, Teredo, NAT64 /96)."""
    if ip in _SIX_TO_FOUR and ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip in _TEREDO and ip.teredo is not None:
        return ip.teredo
    if ip in _NAT64_WELL_KNOWN:
        return (IPv4Address(int(ip) & 0xFFFFFFFF),)
    return None
