"""What the signature schemes share about headers: normalisation, and the ``Host`` and
request target of a URL.

Both draft-cavage-http-signatures-12 §2.3 and RFC 9421 §2.1 combine repeated fields by joining
their values, in order, with ``", "``, after trimming surrounding whitespace. Header names are
case-insensitive (RFC 9110 §5.1), so we key by lower-case name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias
from urllib.parse import urlsplit

#: Anything a caller may hand us: a dict, ``httpx.Headers``, Starlette ``Headers`` (all
#: ``Mapping[str, str]``), or raw ``(name, value)`` pairs in wire order.
HeaderInput: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]


def normalize_headers(headers: HeaderInput) -> dict[str, str]:
    """Return ``{lower-case name: combined value}`` with repeated fields joined by ``", "``."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    combined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        value = value.strip(" \t")
        combined[key] = f"{combined[key]}, {value}" if key in combined else value
    return combined


def split_target(url: str) -> tuple[str, str]:
    """Return ``(host header value, path?query)`` of an absolute URL, default port dropped."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if parts.port is not None and parts.port != default_port:
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return host, f"{path}?{parts.query}" if parts.query else path
