"""Verifying a received request's HTTP signature, whichever scheme it uses.

Two layers (the STYLE's "pure core, thin shell"):

* :func:`verify_request` is pure: the key has been looked up, the clock is an argument.
  It dispatches on the headers: ``Signature-Input`` means RFC 9421
  (:mod:`federation.rfc9421`), otherwise ``Signature`` / ``Authorization: Signature`` means
  draft-cavage-http-signatures-12 (:mod:`federation.cavage`).
* :func:`verify_with_lookup` is the async orchestrator: it asks the caller's lookup for the
  key, verifies, and on ``BAD_SIGNATURE`` with a cached key asks once more with
  ``refresh=True`` (the sender may have rotated its key), as Fedify's ``verifyRequest`` does
  (``fedify-dev/fedify`` ``packages/fedify/src/sig/http.ts``). Rate-limiting such refreshes
  is the caller's job. Whatever the lookup raises of :mod:`federation.errors` becomes a
  reason (a fetch failure ``KEY_UNAVAILABLE``, a key its owner does not list
  ``KEY_NOT_OWNED``, anything else ``KEY_NOT_FOUND``).

Both answer with a :class:`VerificationResult`; nothing here raises for a bad signature.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeAlias
from urllib.parse import urlsplit

from federation import cavage, rfc9421
from federation.cavage import DEFAULT_WINDOW_SECONDS
from federation.errors import FederationError, FetchError, InvalidKey, UnownedKey
from federation.headers import HeaderInput, normalize_headers
from federation.keys import PublicKey, load_public_key
from federation.reasons import Reason, Scheme, VerificationResult

__all__ = [
    "DEFAULT_WINDOW_SECONDS",
    "KeyLookup",
    "PublicKeyInfo",
    "Reason",
    "Scheme",
    "VerificationResult",
    "detect_scheme",
    "signature_key_id",
    "verify_request",
    "verify_with_lookup",
]


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """A public key as published by an actor (``publicKey`` of W3C Security Vocabulary v1).

    ``from_cache`` tells :func:`verify_with_lookup` whether a refresh could help.
    """

    key_id: str
    owner_uri: str
    pem: str
    from_cache: bool = False

    @property
    def public_key(self) -> PublicKey:
        """The loaded key (memoised by PEM in :mod:`federation.keys`)."""
        return load_public_key(self.pem)


#: ``lookup(key_id, refresh)``: the key for ``key_id``, refetched when ``refresh`` is true;
#: ``None`` when there is no such key. May raise :class:`~federation.errors.FetchError`,
#: :class:`~federation.errors.UnownedKey` or any other
#: :class:`~federation.errors.FederationError`.
KeyLookup: TypeAlias = Callable[[str, bool], Awaitable[PublicKeyInfo | None]]

_Parsed: TypeAlias = tuple[Scheme, cavage.CavageSignature | rfc9421.Rfc9421Signature]


def detect_scheme(headers: HeaderInput) -> Scheme | None:
    """Which signature scheme the request uses, if any."""
    parsed = _parse(normalize_headers(headers))
    return parsed[0] if isinstance(parsed, tuple) else parsed.scheme


def signature_key_id(headers: HeaderInput) -> str | None:
    """The ``keyId`` / ``keyid`` the request claims to be signed with, so the caller can
    look the key up first; ``None`` when there is no parseable signature."""
    parsed = _parse(normalize_headers(headers))
    return parsed[1].key_id if isinstance(parsed, tuple) else None


def verify_request(
    method: str,
    target_uri: str,
    headers: HeaderInput,
    body: bytes,
    public_key: PublicKey,
    now: datetime,
    window: float = DEFAULT_WINDOW_SECONDS,
) -> VerificationResult:
    """Verify a received request's signature with an already looked-up key (pure).

    ``target_uri`` is the absolute URI the client requested (scheme and host as the client
    saw them, e.g. ``https://our.host/inbox``, not the proxy-internal one); ``body`` the raw
    bytes received; ``window`` the allowed clock difference in seconds (default one hour).
    """
    normalized = normalize_headers(headers)
    parsed = _parse(normalized)
    if isinstance(parsed, VerificationResult):
        return parsed
    return _verify_parsed(parsed, method, target_uri, normalized, body, public_key, now, window)


async def verify_with_lookup(
    method: str,
    target_uri: str,
    headers: HeaderInput,
    body: bytes,
    lookup: KeyLookup,
    now: datetime,
    window: float = DEFAULT_WINDOW_SECONDS,
) -> VerificationResult:
    """Look the key up, verify, and retry once with a refreshed key after a bad signature
    made against a cached key. A success carries the key's ``owner_uri``."""
    normalized = normalize_headers(headers)
    parsed = _parse(normalized)
    if isinstance(parsed, VerificationResult):
        return parsed
    scheme, signature = parsed
    info = await _lookup(lookup, signature.key_id, scheme, refresh=False)
    if isinstance(info, VerificationResult):
        return info
    result = _verify_with_info(parsed, method, target_uri, normalized, body, info, now, window)
    if result.reason is Reason.BAD_SIGNATURE and info.from_cache:
        fresh = await _lookup(lookup, signature.key_id, scheme, refresh=True)
        if isinstance(fresh, PublicKeyInfo) and fresh.pem != info.pem:
            info = fresh
            result = _verify_with_info(
                parsed, method, target_uri, normalized, body, info, now, window
            )
    return replace(result, owner_uri=info.owner_uri) if result.ok else result


async def _lookup(
    lookup: KeyLookup, key_id: str, scheme: Scheme, *, refresh: bool
) -> PublicKeyInfo | VerificationResult:
    try:
        info = await lookup(key_id, refresh)
    except FederationError as exc:
        reason = Reason.KEY_NOT_FOUND
        if isinstance(exc, FetchError):
            reason = Reason.KEY_UNAVAILABLE
        elif isinstance(exc, UnownedKey):
            reason = Reason.KEY_NOT_OWNED
        return VerificationResult.failure(reason, key_id=key_id, scheme=scheme, detail=str(exc))
    if info is None:
        return VerificationResult.failure(Reason.KEY_NOT_FOUND, key_id=key_id, scheme=scheme)
    return info


def _verify_with_info(
    parsed: _Parsed,
    method: str,
    target_uri: str,
    headers: Mapping[str, str],
    body: bytes,
    info: PublicKeyInfo,
    now: datetime,
    window: float,
) -> VerificationResult:
    try:
        key = info.public_key
    except InvalidKey as exc:
        return VerificationResult.failure(
            Reason.KEY_NOT_FOUND, key_id=info.key_id, scheme=parsed[0], detail=str(exc)
        )
    return _verify_parsed(parsed, method, target_uri, headers, body, key, now, window)


def _parse(headers: Mapping[str, str]) -> _Parsed | VerificationResult:
    if "signature-input" in headers:
        signatures = rfc9421.parse_rfc9421(headers)
        if isinstance(signatures, list) and signatures:
            return "rfc9421", signatures[0]
        return VerificationResult.failure(Reason.BAD_FORMAT, scheme="rfc9421")
    signature = cavage.extract_signature(headers)
    if signature is None:
        return VerificationResult.failure(Reason.NO_SIGNATURE)
    if isinstance(signature, Reason):
        return VerificationResult.failure(signature, scheme="cavage")
    return "cavage", signature


def _verify_parsed(
    parsed: _Parsed,
    method: str,
    target_uri: str,
    headers: Mapping[str, str],
    body: bytes,
    key: PublicKey,
    now: datetime,
    window: float,
) -> VerificationResult:
    signature = parsed[1]
    if isinstance(signature, rfc9421.Rfc9421Signature):
        return rfc9421.verify_rfc9421(
            signature, method, target_uri, headers, body, key, now, window
        )
    parts = urlsplit(target_uri)
    path_and_query = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    return cavage.verify_cavage(signature, method, path_and_query, headers, body, key, now, window)
