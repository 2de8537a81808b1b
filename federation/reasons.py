"""The value a signature verification answers with, and its closed set of reasons.

Kept apart from :mod:`federation.verify` so that both schemes (:mod:`federation.cavage`,
:mod:`federation.rfc9421`) can return it without an import cycle; ``federation.verify``
re-exports both names. One place in the caller maps a :class:`Reason` to an HTTP status
(all of them answer 401, so that double-knocking senders fall back; see
https://swicg.github.io/activitypub-http-signature/#how-to-upgrade-supported-versions).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal, TypeAlias

Scheme: TypeAlias = Literal["cavage", "rfc9421"]


class Reason(Enum):
    """Why a request's signature was not accepted."""

    NO_SIGNATURE = "no_signature"
    BAD_FORMAT = "bad_format"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    KEY_ALGORITHM_MISMATCH = "key_algorithm_mismatch"
    MISSING_COVERED_COMPONENT = "missing_covered_component"
    MISSING_HEADER = "missing_header"
    BAD_DATE = "bad_date"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    DIGEST_MISMATCH = "digest_mismatch"
    UNSUPPORTED_DIGEST = "unsupported_digest"
    KEY_NOT_FOUND = "key_not_found"
    KEY_UNAVAILABLE = "key_unavailable"
    #: the key's claimed owner does not list it (or lives on another origin than the key)
    KEY_NOT_OWNED = "key_not_owned"
    BAD_SIGNATURE = "bad_signature"


#: A failed check: the reason, and a detail worth logging (or None).
Failure: TypeAlias = tuple[Reason, str | None]


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """A signature check's answer: ``ok`` with the key (and owner), or a :class:`Reason`."""

    ok: bool
    reason: Reason | None = None
    key_id: str | None = None
    scheme: Scheme | None = None
    detail: str | None = None
    owner_uri: str | None = None

    @classmethod
    def success(cls, key_id: str, scheme: Scheme) -> VerificationResult:
        """A verified signature made with ``key_id``."""
        return cls(ok=True, key_id=key_id, scheme=scheme)

    @classmethod
    def failure(
        cls,
        reason: Reason,
        *,
        key_id: str | None = None,
        scheme: Scheme | None = None,
        detail: str | None = None,
    ) -> VerificationResult:
        """A refused signature and why."""
        return cls(ok=False, reason=reason, key_id=key_id, scheme=scheme, detail=detail)
