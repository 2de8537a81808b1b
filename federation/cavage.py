"""draft-cavage-http-signatures-12: the ``Signature`` header the fediverse speaks today.

https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12 — §2.1 the parameters,
§2.3 the signing string, §2.5 ``Authorization: Signature``, §3.1.1 the pseudo-headers
``(request-target)``, ``(created)``, ``(expires)``. We sign ``rsa-sha256`` over
``(request-target) host date`` plus ``digest`` on bodies, as Mastodon does
(``mastodon/mastodon`` ``app/lib/http_signature_draft.rb``), and verify ``rsa-sha256`` and
``hs2019`` with the algorithm taken from the key (RSA → RSASSA-PKCS1-v1_5 SHA-256, Ed25519 →
Ed25519), with the coverage rules of Mastodon's ``app/lib/signed_request.rb`` and Fedify's
``packages/fedify/src/sig/http.ts`` (``(request-target)``, ``host``, ``date`` or
``(created)``, and ``digest`` whenever there is a body).

Everything here is pure: the clock and the key are arguments.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from federation.digest import compute_digest_header, digest_failure, verify_digest_header
from federation.errors import SigningError
from federation.headers import HeaderInput, normalize_headers, split_target
from federation.httpdate import format_http_date, parse_http_date
from federation.keys import PrivateKey, PublicKey, sign_bytes, verify_bytes
from federation.reasons import Failure, Reason, VerificationResult

DEFAULT_WINDOW_SECONDS = 3600
REQUEST_TARGET = "(request-target)"
CREATED = "(created)"
EXPIRES = "(expires)"
#: Methods whose requests carry a body, so their signature must cover ``digest``.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_ACCEPTED_ALGORITHMS = frozenset({"rsa-sha256", "hs2019", "ed25519"})
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|([0-9.]+))\s*(?:,|$)')


@dataclass(frozen=True, slots=True)
class CavageSignature:
    """The parameters of a ``Signature`` header (draft §2.1), names lower-cased."""

    key_id: str
    algorithm: str | None
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def parse_signature_params(value: str) -> CavageSignature | Reason:
    """Parse the parameter list of a ``Signature`` header (draft §2.1), or ``BAD_FORMAT``."""
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None or match.end() == position:
            return Reason.BAD_FORMAT
        name = match.group(1)
        if name in params:
            return Reason.BAD_FORMAT
        params[name] = match.group(2) if match.group(2) is not None else match.group(3)
        position = match.end()
    return _signature_from_params(params)


def _signature_from_params(params: Mapping[str, str]) -> CavageSignature | Reason:
    key_id, encoded = params.get("keyId"), params.get("signature")
    if not key_id or not encoded:
        return Reason.BAD_FORMAT
    try:
        signature = base64.b64decode(encoded, validate=True)
        created = _parse_timestamp(params.get("created"))
        expires = _parse_timestamp(params.get("expires"))
    except (binascii.Error, ValueError):
        return Reason.BAD_FORMAT
    algorithm = params["algorithm"].lower() if "algorithm" in params else None
    default = CREATED if algorithm in (None, "hs2019") else "date"  # draft §2.1.6 / Mastodon
    covered = tuple(params.get("headers", default).lower().split())
    if not covered:
        return Reason.BAD_FORMAT
    return CavageSignature(key_id, algorithm, covered, signature, created, expires)


def _parse_timestamp(raw: str | None) -> int | None:
    return None if raw is None else int(float(raw))


def extract_signature(headers: Mapping[str, str]) -> CavageSignature | Reason | None:
    """Find a cavage signature in normalised headers: ``Signature`` or ``Authorization``.

    ``None`` means the request carries no cavage signature at all (draft §2.5 allows the
    ``Authorization: Signature <params>`` form too).
    """
    if "signature" in headers and "signature-input" not in headers:
        return parse_signature_params(headers["signature"])
    scheme, _, rest = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "signature":
        return parse_signature_params(rest)
    return None


def build_signing_string(
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    covered: Sequence[str],
    *,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """Build the draft §2.3 signing string; ``headers`` keyed by lower-case name.

    Raises :class:`SigningError` when a covered header or pseudo-header value is missing.
    """
    lines = []
    for name in covered:
        if name == REQUEST_TARGET:
            value = f"{method.lower()} {path_and_query}"
        elif name in (CREATED, EXPIRES):
            number = created if name == CREATED else expires
            if number is None:
                raise SigningError("pseudo-header without its parameter", detail=name)
            value = str(number)
        elif name in headers:
            value = headers[name]
        else:
            raise SigningError("covered header missing", detail=name)
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def sign_headers(
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Sign a request; return the headers to add: ``Host``, ``Date``, ``Digest``, ``Signature``.

    Covers ``(request-target) host date``, plus ``digest`` when there is a body (a non-empty
    body, or any POST/PUT/PATCH). RSA keys sign ``rsa-sha256``; Ed25519 keys ``hs2019``.
    """
    method = method.upper()
    host, path_and_query = split_target(url)
    added = {"Host": host, "Date": format_http_date(now)}
    covered = [REQUEST_TARGET, "host", "date"]
    if body is not None and (body or method in BODY_METHODS):
        added["Digest"] = compute_digest_header(body)
        covered.append("digest")
    signing_headers = normalize_headers(headers)
    signing_headers.update({name.lower(): value for name, value in added.items()})
    added["Signature"] = build_signature_header(
        method, path_and_query, signing_headers, covered, key_id, private_key
    )
    return added


def build_signature_header(
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    covered: Sequence[str],
    key_id: str,
    private_key: PrivateKey,
) -> str:
    """The value of a ``Signature`` header (draft §2.1, §4.1): the draft §2.3 signing string of
    ``covered`` (``headers`` keyed by lower-case name) signed with ``private_key`` — RSA keys
    ``rsa-sha256``, Ed25519 keys ``hs2019``.

    The one builder of both signers: :func:`sign_headers` and the delivery worker's
    (:mod:`federation.delivery_signing`), which formats the rest of its request itself.
    """
    if '"' in key_id:
        raise SigningError("keyId must not contain a double quote", detail=key_id)
    message = build_signing_string(method, path_and_query, headers, covered)
    signature = sign_bytes(private_key, message.encode("utf-8"))
    algorithm = "rsa-sha256" if isinstance(private_key, rsa.RSAPrivateKey) else "hs2019"
    return (
        f'keyId="{key_id}",algorithm="{algorithm}",headers="{" ".join(covered)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )


def verify_cavage(
    signature: CavageSignature,
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    body: bytes,
    public_key: PublicKey,
    now: datetime,
    window: float = DEFAULT_WINDOW_SECONDS,
) -> VerificationResult:
    """Verify a parsed cavage signature against the request as received (pure).

    ``headers`` are normalised (:func:`federation.headers.normalize_headers`); ``body`` is
    the raw body received; ``window`` is the allowed clock difference in seconds.
    """
    method = method.upper()
    failure = (
        _check_algorithm(signature, public_key)
        or _check_coverage(signature, method, body, headers)
        or _check_time(signature, headers, now, window)
        or _check_digest(signature, headers, body)
    )
    if failure is not None:
        return _fail(signature, *failure)
    message = build_signing_string(
        method,
        path_and_query,
        headers,
        signature.headers,
        created=signature.created,
        expires=signature.expires,
    )
    if not verify_bytes(public_key, signature.signature, message.encode("utf-8")):
        return _fail(signature, Reason.BAD_SIGNATURE, None)
    return VerificationResult.success(signature.key_id, "cavage")


def _fail(signature: CavageSignature, reason: Reason, detail: str | None) -> VerificationResult:
    return VerificationResult.failure(
        reason, key_id=signature.key_id, scheme="cavage", detail=detail
    )


def _check_algorithm(signature: CavageSignature, key: PublicKey) -> Failure | None:
    algorithm = signature.algorithm
    if algorithm is not None and algorithm not in _ACCEPTED_ALGORITHMS:
        return Reason.UNSUPPORTED_ALGORITHM, algorithm
    is_rsa = isinstance(key, rsa.RSAPublicKey)
    if (algorithm == "rsa-sha256" and not is_rsa) or (algorithm == "ed25519" and is_rsa):
        return Reason.KEY_ALGORITHM_MISMATCH, f"{algorithm} with {type(key).__name__}"
    if algorithm not in (None, "hs2019") and CREATED in signature.headers:
        return Reason.BAD_FORMAT, f"(created) not allowed with {algorithm} (draft §2.3)"
    return None


def _check_coverage(
    signature: CavageSignature, method: str, body: bytes, headers: Mapping[str, str]
) -> Failure | None:
    covered = set(signature.headers)
    required = [REQUEST_TARGET, "host"]
    if body or method in BODY_METHODS:
        required.append("digest")
    for name in required:
        if name not in covered:
            return Reason.MISSING_COVERED_COMPONENT, name
    if "date" not in covered and CREATED not in covered:
        return Reason.MISSING_COVERED_COMPONENT, "date or (created)"
    for name in signature.headers:
        if name in (CREATED, EXPIRES):
            if (signature.created if name == CREATED else signature.expires) is None:
                return Reason.BAD_FORMAT, f"{name} covered without its parameter"
        elif name != REQUEST_TARGET and name not in headers:
            return Reason.MISSING_HEADER, name
    return None


def _check_time(
    signature: CavageSignature, headers: Mapping[str, str], now: datetime, window: float
) -> Failure | None:
    current = now.timestamp()
    if signature.expires is not None and signature.expires < current:
        return Reason.EXPIRED, "(expires) is in the past"
    if CREATED in signature.headers and signature.created is not None:
        moment = float(signature.created)
    else:
        parsed = parse_http_date(headers["date"])
        if parsed is None:
            return Reason.BAD_DATE, headers["date"]
        moment = parsed
    if moment < current - window:
        return Reason.EXPIRED, f"signed {current - moment:.0f}s ago"
    if moment > current + window:
        return Reason.NOT_YET_VALID, f"signed {moment - current:.0f}s in the future"
    return None


def _check_digest(
    signature: CavageSignature, headers: Mapping[str, str], body: bytes
) -> Failure | None:
    if "digest" not in signature.headers:
        return None
    outcome = verify_digest_header(headers["digest"], body)
    return digest_failure(outcome, "Digest", headers["digest"])
