"""The one place that parses URLs into origins and compares them.

Every "is this on that server?" question (an activity id and its actor, a key and its owner,
an object and the host that vouches for it) compares :class:`Origin` values — scheme, host,
port, as RFC 6454 §4 defines an origin — never strings. Parsing is strict on purpose, so that
no two parsers (ours, httpx's, the peer's) can read one URL as two different hosts:

* only ``http`` and ``https``, with an authority (``//host``);
* no userinfo: ``http://a.example@b.example/x`` names ``b.example`` to RFC 3986 and some
  libraries but ``a.example`` to others, so it is refused rather than guessed (the
  userinfo-confusion class of CVE-2024-25623 and GHSA-jhrq-qvrm-qr36 in other servers);
* no whitespace, control characters or backslash anywhere (WHATWG reads ``\\`` as ``/`` in
  http(s) URLs, RFC 3986 does not), no percent-encoding in the host, no empty port;
* hosts are normalised once: lower case, one trailing dot dropped, IDNA A-labels
  (``idna.encode``, the IDNA 2008 encoding httpx connects with), IP literals in their
  canonical form; a host whose last label is a number must be a dotted-quad IPv4 address
  (``0x7f.1`` and ``2130706433`` are refused: resolvers read them as 127.0.0.1);
* the port defaults to 80 / 443 and is always explicit in the :class:`Origin`, so
  ``https://h:443/`` and ``https://H./`` are the same origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from typing import Literal

import idna

from federation.errors import InvalidURL

#: Longer URLs are refused: no id we store or fetch needs more (and PostgreSQL indexes
#: cannot hold much more than 2 KB per value).
MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}

_SCHEME_AND_AUTHORITY = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", re.DOTALL)
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")
_IPV6_AUTHORITY = re.compile(r"\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?")
_NAME_AUTHORITY = re.compile(r"([^:\[\]]+)(?::(\d{1,5}))?")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")

Scheme = Literal["http", "https"]


@dataclass(frozen=True, slots=True)
class Origin:
    """An RFC 6454 origin: scheme, normalised host, explicit port."""

    scheme: Scheme
    host: str
    port: int

    @property
    def authority(self) -> str:
        """``host`` or ``host:port`` (the port only when not the scheme's default)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.authority}"


def parse_origin(url: str) -> Origin:
    """The origin of an absolute http(s) URL; :class:`InvalidURL` for anything else."""
    if not isinstance(url, str):
        raise InvalidURL("not a string", detail=type(url).__name__)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"longer than {MAX_URL_LENGTH} characters", url=url[:100] + "…")
    if _FORBIDDEN.search(url):
        raise InvalidURL("whitespace, control character or backslash in URL", url=repr(url))
    parts = _SCHEME_AND_AUTHORITY.fullmatch(url)
    if parts is None:
        raise InvalidURL("not an absolute URL with a host", url=url)
    scheme = parts[1].lower()
    if scheme not in ("http", "https"):
        raise InvalidURL("not an http(s) URL", url=url)
    host, port = _split_authority(parts[2], url)
    checked: Scheme = "https" if scheme == "https" else "http"
    return Origin(checked, host, DEFAULT_PORTS[checked] if port is None else port)


def origin_of(url: object) -> Origin | None:
    """:func:`parse_origin`, or None for anything that is not a URL we accept."""
    if not isinstance(url, str):
        return None
    try:
        return parse_origin(url)
    except InvalidURL:
        return None


def is_valid_url(url: object) -> bool:
    """Whether ``url`` is an absolute http(s) URL we accept (see the module docstring)."""
    return origin_of(url) is not None


def same_origin(first: object, second: object) -> bool:
    """Whether two URLs have one origin; False when either is not a URL we accept."""
    origin = origin_of(first)
    return origin is not None and origin == origin_of(second)


def authority_of(url: str) -> str:
    """``host[:port]`` of ``url``, normalised (:class:`InvalidURL` when it is not a URL)."""
    return parse_origin(url).authority


def normalize_host(host: str, url: str | None = None) -> str:
    """A host name or IP literal (no brackets, no port) in its one normal form."""
    raw = host.lower()
    try:
        address = IPv6Address(raw)
    except ValueError:
        pass
    else:
        if address.scope_id is not None:
            raise InvalidURL("IPv6 zone identifiers are not accepted", url=url)
        return str(address)
    if raw.endswith("."):
        raw = raw[:-1]
    if not raw.isascii():
        try:
            raw = idna.encode(raw).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise InvalidURL("not an IDNA host name", url=url, detail=str(exc)) from None
    labels = raw.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        return _dotted_quad(raw, url)
    if len(raw) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidURL("not a host name", url=url, detail=host)
    return raw


def _split_authority(authority: str, url: str) -> tuple[str, int | None]:
    if "@" in authority:
        raise InvalidURL("userinfo (user@host) is not accepted in URLs", url=url)
    matched = _IPV6_AUTHORITY.fullmatch(authority) or _NAME_AUTHORITY.fullmatch(authority)
    if matched is None:
        raise InvalidURL("not a host[:port]", url=url)
    port = None
    if matched[2] is not None:
        port = int(matched[2])
        if not 0 < port < 65536:
            raise InvalidURL("port out of range", url=url)
    host = matched[1]
    if authority.startswith("["):
        try:
            IPv6Address(host)
        except ValueError:
            raise InvalidURL("not an IPv6 address", url=url) from None
    elif "%" in host:
        raise InvalidURL("percent-encoding in a host name", url=url)
    return normalize_host(host, url), port


def _dotted_quad(raw: str, url: str | None) -> str:
    """WHATWG reads a host ending in a number as IPv4; we accept only the canonical form."""
    try:
        address = IPv4Address(raw)
    except ValueError:
        raise InvalidURL("a numeric host that is not a dotted-quad IPv4 address", url=url) from None
    return str(address)
