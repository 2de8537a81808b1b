"""The delivery signer: its request verifies, and its cavage Signature is the one builder's —
byte for byte what sign_headers makes for the same request (RSA PKCS#1 v1.5 is deterministic)."""

from __future__ import annotations

from datetime import UTC, datetime

from federation.cavage import build_signature_header, sign_headers
from federation.delivery_signing import (
    COVERED,
    PendingRequest,
    PreparedActivity,
    SigningKey,
    host_header_of,
    sign_request,
    sign_requests,
)
from federation.digest import compute_digest_header
from federation.httpdate import format_http_date
from federation.keys import load_private_key, load_public_key
from federation.verify import verify_request

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://b.example:8443/users/x/inbox?q=1"
KEY_ID = "https://a.example/groups/g#main-key"
BODY = '{"type":"Announce","id":"https://a.example/activities/1"}'


def pending(private_pem: str, scheme: str = "cavage") -> PendingRequest:
    activity = PreparedActivity.from_body("https://a.example/activities/1", BODY)
    key = SigningKey(KEY_ID, load_private_key(private_pem, trusted=True))
    return PendingRequest(host_header_of(URL), "/users/x/inbox?q=1", activity, key, scheme, URL)


def split(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    return first, dict(line.split(": ", 1) for line in lines), body


def test_the_digest_is_prepared_once_per_activity() -> None:
    activity = PreparedActivity.from_body("https://a.example/activities/1", BODY)
    assert activity.digest == compute_digest_header(BODY.encode())


def test_a_cavage_delivery_verifies(rsa_pair: tuple[str, str]) -> None:
    raw = sign_request(pending(rsa_pair[0]), format_http_date(NOW))
    first, headers, body = split(raw)
    assert first == "POST /users/x/inbox?q=1 HTTP/1.1"
    assert headers["Host"] == "b.example:8443"
    assert headers["Content-Length"] == str(len(BODY))
    assert body == BODY.encode()
    assert verify_request("POST", URL, headers, body, load_public_key(rsa_pair[1]), NOW).ok


def test_both_signers_make_the_same_signature(rsa_pair: tuple[str, str]) -> None:
    request = pending(rsa_pair[0])
    _, headers, _ = split(sign_request(request, format_http_date(NOW)))
    key = request.key.private_key
    added = sign_headers("POST", URL, {}, BODY.encode(), KEY_ID, key, NOW)
    assert headers["Signature"] == added["Signature"]
    signed = {"host": headers["Host"], "date": headers["Date"], "digest": headers["Digest"]}
    built = build_signature_header("POST", request.target, signed, COVERED, KEY_ID, key)
    assert headers["Signature"] == built


def test_an_rfc9421_delivery_verifies(rsa_pair: tuple[str, str]) -> None:
    now = datetime.now(UTC)
    _, headers, body = split(sign_request(pending(rsa_pair[0], "rfc9421"), format_http_date(now)))
    assert "Signature-Input" in headers
    assert "Digest" not in headers
    assert verify_request("POST", URL, headers, body, load_public_key(rsa_pair[1]), now).ok


def test_a_chunk_shares_one_date(rsa_pair: tuple[str, str]) -> None:
    signed = sign_requests([pending(rsa_pair[0]), pending(rsa_pair[0])])
    dates = {split(raw)[1]["Date"] for raw in signed}
    assert len(dates) == 1
