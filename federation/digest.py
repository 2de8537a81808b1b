"""Body digests: the legacy ``Digest`` header and RFC 9530 ``Content-Digest``.

``Digest: SHA-256=<base64>`` comes from RFC 3230 §4.3.2 (algorithm names per the IANA registry,
case-insensitive, several comma-separated); it is what draft-cavage signers cover. RFC 9530 §2
defines ``Content-Digest: sha-256=:<base64>:`` as an RFC 8941 Dictionary of Byte Sequences; it
is what RFC 9421 signers cover. Checks answer with a :class:`DigestCheck` value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from enum import Enum
from typing import Any

import http_sf

from federation.reasons import Failure, Reason

_HASHERS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-512": hashlib.sha512,
}


class DigestCheck(Enum):
    """The outcome of comparing a digest header with the body actually received."""

    MATCH = "match"
    MISMATCH = "mismatch"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    MALFORMED = "malformed"


def compute_digest_header(body: bytes) -> str:
    """Return the ``Digest`` value for ``body``: ``SHA-256=<base64>`` (RFC 3230 §4.3.2)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def compute_content_digest(body: bytes, algorithm: str = "sha-256") -> str:
    """Return the RFC 9530 §2 ``Content-Digest`` value, e.g. ``sha-256=:<base64>:``."""
    if algorithm not in _HASHERS:
        raise ValueError(f"unsupported digest algorithm {algorithm!r}")
    digest = _HASHERS[algorithm](body).digest()
    return f"{algorithm}=:{base64.b64encode(digest).decode('ascii')}:"


def verify_digest_header(value: str, body: bytes) -> DigestCheck:
    """Check a ``Digest`` header (RFC 3230) against ``body``.

    Every supported value offered (SHA-256, SHA-512; names compared case-insensitively) must
    match; unknown algorithms are ignored unless nothing supported is offered.
    """
    offered: list[tuple[str, bytes]] = []
    for member in value.split(","):
        name, sep, encoded = member.strip().partition("=")
        if not sep or not name:
            return DigestCheck.MALFORMED
        algorithm = name.strip().lower()
        if algorithm not in _HASHERS:
            continue
        try:
            offered.append((algorithm, base64.b64decode(encoded.strip(), validate=True)))
        except (binascii.Error, ValueError):
            return DigestCheck.MALFORMED
    return _compare(offered, body)


def verify_content_digest(value: str, body: bytes) -> DigestCheck:
    """Check an RFC 9530 ``Content-Digest`` Dictionary against ``body``.

    Every supported member (``sha-256``, ``sha-512``) must match; others are ignored unless
    nothing supported is offered.
    """
    try:
        parsed = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError, http_sf.StructuredFieldError):
        return DigestCheck.MALFORMED
    if not isinstance(parsed, dict):
        return DigestCheck.MALFORMED
    offered: list[tuple[str, bytes]] = []
    for algorithm, entry in parsed.items():
        if algorithm not in _HASHERS:
            continue
        member = entry[0] if isinstance(entry, tuple) else None
        if not isinstance(member, bytes):
            return DigestCheck.MALFORMED
        offered.append((algorithm, member))
    return _compare(offered, body)


def _compare(offered: list[tuple[str, bytes]], body: bytes) -> DigestCheck:
    if not offered:
        return DigestCheck.UNSUPPORTED_ALGORITHM
    for algorithm, claimed in offered:
        if not hmac.compare_digest(claimed, _HASHERS[algorithm](body).digest()):
            return DigestCheck.MISMATCH
    return DigestCheck.MATCH


def digest_failure(outcome: DigestCheck, header: str, value: str) -> Failure | None:
    """The verification failure a digest check amounts to (``header`` names it), if any."""
    if outcome is DigestCheck.MISMATCH:
        return Reason.DIGEST_MISMATCH, None
    if outcome is DigestCheck.UNSUPPORTED_ALGORITHM:
        return Reason.UNSUPPORTED_DIGEST, value
    if outcome is DigestCheck.MALFORMED:
        return Reason.BAD_FORMAT, f"malformed {header} header"
    return None
