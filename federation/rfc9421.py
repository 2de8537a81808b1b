"""RFC 9421 HTTP Message Signatures, on top of the ``http-message-signatures`` package.

https://www.rfc-editor.org/rfc/rfc9421 — §2 components, §2.3 ``@signature-params``, §2.5 the
signature base, §3.3 algorithms, §4.1 ``Signature-Input``, §4.2 ``Signature``; body coverage
through RFC 9530 ``Content-Digest``. The package builds the signature base and runs the
primitives; we add what the fediverse expects around it:

* signing covers ``@method @target-uri`` plus ``content-digest`` on bodies, with ``keyid``,
  ``created`` and ``alg="rsa-v1_5-sha256"`` — what Mastodon 4.5 requires when verifying
  (``mastodon/mastodon`` ``app/lib/signed_request.rb``, ``HttpMessageSignature``: ``created``,
  ``@method``, ``@target-uri``, and ``content-digest`` on POST) and what Fedify sends
  (``fedify-dev/fedify`` ``packages/fedify/src/sig/http.ts``, ``signRequestRfc9421``);
* verifying requires ``@method``, ``@target-uri`` or (``@authority`` + ``@path``),
  ``content-digest`` when there is a body, a ``created`` inside the window and no past
  ``expires``; the algorithm comes from ``alg`` if given, else from the key, as Fedify does.

The package's own clock checks are replaced by ours (the clock is an argument), so this
module stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from federation.cavage import BODY_METHODS, DEFAULT_WINDOW_SECONDS
from federation.digest import digest_failure, verify_content_digest
from federation.errors import SigningError
from federation.keys import PrivateKey, PublicKey
from federation.reasons import Failure, Reason, VerificationResult

DEFAULT_LABEL = "sig1"
_ALGORITHMS: dict[str, type[algorithms.HTTPSignatureAlgorithm]] = {
    "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
    "ed25519": algorithms.ED25519,
}
_RSA_ALGORITHMS = ("rsa-v1_5-sha256", "rsa-pss-sha512")


@dataclass(frozen=True, slots=True)
class Rfc9421Signature:
    """One labelled signature: its ``Signature-Input`` member and ``Signature`` bytes."""

    label: str
    key_id: str
    algorithm: str | None
    components: tuple[str, ...]
    created: int | None
    expires: int | None
    input_member: str
    signature_member: str


@dataclass(slots=True)
class _Message:
    """The minimal request view the package reads: method, absolute URL, header items."""

    method: str
    url: str
    headers: dict[str, str]


class _FixedKeyResolver(HTTPSignatureKeyResolver):
    """Hands the package the one key the caller already chose (lookup is the caller's job)."""

    def __init__(self, key: PublicKey | PrivateKey) -> None:
        self._key = key

    def resolve_public_key(self, key_id: str) -> Any:
        return self._key

    def resolve_private_key(self, key_id: str) -> Any:
        return self._key


class _ClocklessVerifier(HTTPMessageVerifier):
    """The package's verifier with its wall-clock checks off: we check times ourselves."""

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        return None


def sign_rfc9421(
    method: str,
    url: str,
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
    *,
    label: str = DEFAULT_LABEL,
) -> dict[str, str]:
    """Sign a request; return the headers to add (``Content-Digest`` on bodies,
    ``Signature-Input``, ``Signature``). RSA keys sign ``rsa-v1_5-sha256``, Ed25519 ``ed25519``.
    """
    if isinstance(private_key, rsa.RSAPrivateKey):
        algorithm: type[algorithms.HTTPSignatureAlgorithm] = algorithms.RSA_V1_5_SHA256
    elif isinstance(private_key, ed25519.Ed25519PrivateKey):
        algorithm = algorithms.ED25519
    else:
        raise SigningError("unsupported private key type", detail=type(private_key).__name__)
    method = method.upper()
    has_body = body is not None and (bool(body) or method in BODY_METHODS)
    message = _Message(method, url, {})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithm, key_resolver=_FixedKeyResolver(private_key)
    )
    try:
        signer.sign(
            message,
            key_id=key_id,
            created=now,
            label=label,
            covered_component_ids=("@method", "@target-uri"),
            body=body if has_body else None,
        )
    except HTTPMessageSignaturesException as exc:
        raise SigningError("cannot sign request", url=url, detail=str(exc)) from exc
    return dict(message.headers)


def parse_rfc9421(headers: Mapping[str, str]) -> list[Rfc9421Signature] | Reason | None:
    """Parse ``Signature-Input`` + ``Signature`` (RFC 9421 §4) from normalised headers.

    ``None`` when there is no ``Signature-Input``; ``BAD_FORMAT`` when the two fields do not
    parse as Dictionaries, their labels differ, or a member lacks ``keyid``.
    """
    if "signature-input" not in headers:
        return None
    if "signature" not in headers:
        return Reason.BAD_FORMAT
    try:
        inputs = http_sf.parse(headers["signature-input"].encode("ascii"), tltype="dictionary")
        values = http_sf.parse(headers["signature"].encode("ascii"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError, http_sf.StructuredFieldError):
        return Reason.BAD_FORMAT
    if not isinstance(inputs, dict) or not isinstance(values, dict) or not inputs:
        return Reason.BAD_FORMAT
    if inputs.keys() != values.keys():
        return Reason.BAD_FORMAT
    parsed = [_parse_member(label, inputs[label], values[label]) for label in inputs]
    signatures = [item for item in parsed if item is not None]
    return signatures if len(signatures) == len(parsed) else Reason.BAD_FORMAT


def _parse_member(label: str, member: Any, value: Any) -> Rfc9421Signature | None:
    items, params = member
    if not isinstance(items, list) or not isinstance(value, tuple):
        return None
    if not isinstance(value[0], bytes) or not isinstance(params.get("keyid"), str):
        return None
    created, expires, alg = params.get("created"), params.get("expires"), params.get("alg")
    if any(v is not None and type(v) is not int for v in (created, expires)):
        return None
    if alg is not None and not isinstance(alg, str):
        return None
    return Rfc9421Signature(
        label=label,
        key_id=params["keyid"],
        algorithm=alg,
        components=tuple(str(name) for name, _ in items),
        created=created,
        expires=expires,
        input_member=http_sf.ser({label: member}),
        signature_member=http_sf.ser({label: value}),
    )


def verify_rfc9421(
    signature: Rfc9421Signature,
    method: str,
    target_uri: str,
    headers: Mapping[str, str],
    body: bytes,
    public_key: PublicKey,
    now: datetime,
    window: float = DEFAULT_WINDOW_SECONDS,
    *,
    require_content_digest: bool = True,
) -> VerificationResult:
    """Verify one parsed signature against the request as received (pure).

    ``target_uri`` is the absolute URI the client used (``@target-uri``, RFC 9421 §2.2.2);
    ``headers`` are normalised; ``window`` is the allowed clock difference in seconds.
    ``require_content_digest=False`` lifts the body-coverage rule (only for test vectors
    such as RFC 9421 §B.2.6, which sign a body without covering it).
    """
    method = method.upper()
    candidates = _candidate_algorithms(signature, public_key)
    if not isinstance(candidates, list):
        return _fail(signature, *candidates)
    failure = (
        _check_coverage(signature, method, body, headers, require_content_digest)
        or _check_time(signature, now, window)
        or _check_digest(signature, headers, body)
    )
    if failure is not None:
        return _fail(signature, *failure)
    detail = _verify_crypto(signature, method, target_uri, headers, public_key, candidates)
    if detail is not None:
        return _fail(signature, Reason.BAD_SIGNATURE, detail)
    return VerificationResult.success(signature.key_id, "rfc9421")


def _verify_crypto(
    signature: Rfc9421Signature,
    method: str,
    target_uri: str,
    headers: Mapping[str, str],
    public_key: PublicKey,
    candidates: list[str],
) -> str | None:
    """Run the package's verifier on this one signature; ``None`` when one algorithm passes,
    else the last error's text."""
    message_headers = dict(headers)
    message_headers["signature-input"] = signature.input_member
    message_headers["signature"] = signature.signature_member
    message = _Message(method, target_uri, message_headers)
    detail = "no algorithm to try"
    for algorithm_id in candidates:
        verifier = _ClocklessVerifier(
            signature_algorithm=_ALGORITHMS[algorithm_id],
            key_resolver=_FixedKeyResolver(public_key),
        )
        try:
            verifier.verify(message, max_age=None)
        except (InvalidSignature, HTTPMessageSignaturesException) as exc:
            detail = str(exc) or type(exc).__name__
            continue
        return None
    return detail


def _fail(signature: Rfc9421Signature, reason: Reason, detail: str | None) -> VerificationResult:
    return VerificationResult.failure(
        reason, key_id=signature.key_id, scheme="rfc9421", detail=detail
    )


def _candidate_algorithms(signature: Rfc9421Signature, key: PublicKey) -> list[str] | Failure:
    """The algorithms to try: ``alg`` if signed, else those the key type allows (§3.3.7)."""
    is_rsa = isinstance(key, rsa.RSAPublicKey)
    allowed = list(_RSA_ALGORITHMS) if is_rsa else ["ed25519"]
    if signature.algorithm is None:
        return allowed
    if signature.algorithm not in _ALGORITHMS:
        return Reason.UNSUPPORTED_ALGORITHM, signature.algorithm
    if signature.algorithm not in allowed:
        return Reason.KEY_ALGORITHM_MISMATCH, f"{signature.algorithm} with {type(key).__name__}"
    return [signature.algorithm]


def _check_coverage(
    signature: Rfc9421Signature,
    method: str,
    body: bytes,
    headers: Mapping[str, str],
    require_digest: bool,
) -> Failure | None:
    covered = set(signature.components)
    if "@method" not in covered:
        return Reason.MISSING_COVERED_COMPONENT, "@method"
    if "@target-uri" not in covered and not {"@authority", "@path"} <= covered:
        return Reason.MISSING_COVERED_COMPONENT, "@target-uri or @authority + @path"
    needs_digest = require_digest and (bool(body) or method in BODY_METHODS)
    if needs_digest and "content-digest" not in covered:
        return Reason.MISSING_COVERED_COMPONENT, "content-digest"
    for name in signature.components:
        if not name.startswith("@") and name not in headers:
            return Reason.MISSING_HEADER, name
    return None


def _check_time(signature: Rfc9421Signature, now: datetime, window: float) -> Failure | None:
    current = now.timestamp()
    if signature.expires is not None and signature.expires < current:
        return Reason.EXPIRED, "expires is in the past"
    if signature.created is None:
        return Reason.BAD_FORMAT, "created parameter required"
    if signature.created < current - window:
        return Reason.EXPIRED, f"created {current - signature.created:.0f}s ago"
    if signature.created > current + window:
        return Reason.NOT_YET_VALID, f"created {signature.created - current:.0f}s ahead"
    return None


def _check_digest(
    signature: Rfc9421Signature, headers: Mapping[str, str], body: bytes
) -> Failure | None:
    if "content-digest" not in signature.components:
        return None
    outcome = verify_content_digest(headers["content-digest"], body)
    return digest_failure(outcome, "Content-Digest", headers["content-digest"])
