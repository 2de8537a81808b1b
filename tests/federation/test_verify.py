"""verify_request dispatch and the verify_with_lookup orchestration (key rotation)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from federation.cavage import sign_headers
from federation.errors import (
    InvalidKey,
    RefusedURL,
    Unavailable,
    UnownedKey,
    VocabularyError,
)
from federation.keys import load_private_key, load_public_key
from federation.reasons import Reason
from federation.rfc9421 import sign_rfc9421
from federation.verify import (
    PublicKeyInfo,
    detect_scheme,
    signature_key_id,
    verify_request,
    verify_with_lookup,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://b.example/inbox"
KEY_ID = "https://a.example/actor#main-key"
OWNER = "https://a.example/actor"
BODY = b'{"type": "Like"}'


def cavage_headers(private_pem: str) -> dict[str, str]:
    return sign_headers("POST", URL, {}, BODY, KEY_ID, load_private_key(private_pem), NOW)


def rfc9421_headers(private_pem: str) -> dict[str, str]:
    return sign_rfc9421("POST", URL, BODY, KEY_ID, load_private_key(private_pem), NOW)


class Lookup:
    """A scripted key lookup that records its calls."""

    def __init__(self, *answers: PublicKeyInfo | Exception | None) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyInfo | None:
        self.calls.append((key_id, refresh))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def info(public_pem: str, *, from_cache: bool) -> PublicKeyInfo:
    return PublicKeyInfo(KEY_ID, OWNER, public_pem, from_cache=from_cache)


def test_detect_scheme_and_key_id(rsa_pair: tuple[str, str]) -> None:
    cavage = cavage_headers(rsa_pair[0])
    rfc = rfc9421_headers(rsa_pair[0])
    assert detect_scheme(cavage) == "cavage"
    assert detect_scheme(rfc) == "rfc9421"
    assert detect_scheme({}) is None
    assert signature_key_id(cavage) == KEY_ID
    assert signature_key_id(list(rfc.items())) == KEY_ID
    assert signature_key_id({"Signature": "nonsense"}) is None


def test_no_signature(rsa_pair: tuple[str, str]) -> None:
    result = verify_request("POST", URL, {}, BODY, load_public_key(rsa_pair[1]), NOW)
    assert (result.ok, result.reason) == (False, Reason.NO_SIGNATURE)


def test_header_names_are_case_insensitive(rsa_pair: tuple[str, str]) -> None:
    headers = [(name.upper(), value) for name, value in cavage_headers(rsa_pair[0]).items()]
    assert verify_request("POST", URL, headers, BODY, load_public_key(rsa_pair[1]), NOW).ok


async def test_lookup_success_carries_the_owner(rsa_pair: tuple[str, str]) -> None:
    lookup = Lookup(info(rsa_pair[1], from_cache=False))
    result = await verify_with_lookup("POST", URL, cavage_headers(rsa_pair[0]), BODY, lookup, NOW)
    assert result.ok
    assert result.owner_uri == OWNER
    assert lookup.calls == [(KEY_ID, False)]


async def test_unknown_key() -> None:
    lookup = Lookup(None)
    headers = {"Signature": 'keyId="x",algorithm="rsa-sha256",headers="date",signature="AAAA"'}
    result = await verify_with_lookup("POST", URL, headers, BODY, lookup, NOW)
    assert (result.reason, result.key_id) == (Reason.KEY_NOT_FOUND, "x")


async def test_key_fetch_failure_is_a_value(rsa_pair: tuple[str, str]) -> None:
    lookup = Lookup(Unavailable("status 503", url=OWNER, status=503))
    result = await verify_with_lookup("POST", URL, cavage_headers(rsa_pair[0]), BODY, lookup, NOW)
    assert result.reason is Reason.KEY_UNAVAILABLE


async def test_rotated_key_is_refreshed_once(
    rsa_pair: tuple[str, str], other_rsa_pair: tuple[str, str]
) -> None:
    # The cache still holds the old key; the sender has rotated to rsa_pair.
    lookup = Lookup(info(other_rsa_pair[1], from_cache=True), info(rsa_pair[1], from_cache=False))
    headers = rfc9421_headers(rsa_pair[0])
    result = await verify_with_lookup("POST", URL, headers, BODY, lookup, NOW)
    assert result.ok
    assert lookup.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_fresh_key_is_not_refetched(
    rsa_pair: tuple[str, str], other_rsa_pair: tuple[str, str]
) -> None:
    lookup = Lookup(info(other_rsa_pair[1], from_cache=False))
    result = await verify_with_lookup("POST", URL, cavage_headers(rsa_pair[0]), BODY, lookup, NOW)
    assert result.reason is Reason.BAD_SIGNATURE
    assert lookup.calls == [(KEY_ID, False)]


async def test_refresh_yielding_the_same_key_keeps_the_failure(
    rsa_pair: tuple[str, str], other_rsa_pair: tuple[str, str]
) -> None:
    same = info(other_rsa_pair[1], from_cache=True)
    lookup = Lookup(same, info(other_rsa_pair[1], from_cache=False))
    result = await verify_with_lookup("POST", URL, cavage_headers(rsa_pair[0]), BODY, lookup, NOW)
    assert result.reason is Reason.BAD_SIGNATURE
    assert len(lookup.calls) == 2


async def test_other_failures_do_not_refresh(rsa_pair: tuple[str, str]) -> None:
    lookup = Lookup(info(rsa_pair[1], from_cache=True))
    headers = cavage_headers(rsa_pair[0])
    result = await verify_with_lookup("POST", URL, headers, BODY + b"x", lookup, NOW)
    assert result.reason is Reason.DIGEST_MISMATCH
    assert lookup.calls == [(KEY_ID, False)]


async def test_unusable_pem_is_key_not_found(rsa_pair: tuple[str, str]) -> None:
    lookup = Lookup(PublicKeyInfo(KEY_ID, OWNER, "garbage"))
    result = await verify_with_lookup("POST", URL, cavage_headers(rsa_pair[0]), BODY, lookup, NOW)
    assert result.reason is Reason.KEY_NOT_FOUND


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (UnownedKey("not listed", url=OWNER), Reason.KEY_NOT_OWNED),
        (RefusedURL("redirect to data:", url=OWNER), Reason.KEY_UNAVAILABLE),
        (VocabularyError("not an actor"), Reason.KEY_NOT_FOUND),
        (InvalidKey("unreadable public key"), Reason.KEY_NOT_FOUND),
    ],
)
async def test_whatever_a_lookup_raises_is_a_reason(
    rsa_pair: tuple[str, str], error: Exception, reason: Reason
) -> None:
    result = await verify_with_lookup(
        "POST", URL, cavage_headers(rsa_pair[0]), BODY, Lookup(error), NOW
    )
    assert (result.ok, result.reason) == (False, reason)
    assert result.detail
