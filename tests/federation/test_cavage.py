"""draft-cavage signatures: Mastodon's and httpsig's vectors verify; ours verify with httpsig;
every tampering fails with its own reason."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from httpsig.verify import HeaderVerifier

from federation.cavage import (
    build_signing_string,
    extract_signature,
    parse_signature_params,
    sign_headers,
)
from federation.headers import normalize_headers, split_target
from federation.keys import PrivateKey, load_private_key, load_public_key
from federation.reasons import Reason, VerificationResult
from federation.verify import verify_request

from . import vectors as v
from .conftest import read_key

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
INBOX_URL = "https://b.example/inbox"
KEY_ID = "https://a.example/actor#main-key"
BODY = b'{"type": "Follow"}'


def mastodon_request(
    mastodon_private_key: PrivateKey,
    method: str,
    uri: str,
    signature: str,
    *,
    headers: str = "date host (request-target)",
    extra: dict[str, str] | None = None,
    body: bytes = b"",
    date: str = v.MASTODON_DATE,
) -> VerificationResult:
    request_headers = {
        "Host": "www.example.com",
        "Date": date,
        "Signature": v.mastodon_signature(headers, signature),
        **(extra or {}),
    }
    return verify_request(
        method,
        f"https://www.example.com{uri}",
        request_headers,
        body,
        mastodon_private_key.public_key(),
        v.MASTODON_NOW,
    )


class TestMastodonVectors:
    """``mastodon/mastodon`` ``spec/requests/signature_verification_spec.rb``."""

    def test_get(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key, "GET", "/activitypub/success", v.MASTODON_GET
        )
        assert result == VerificationResult.success(v.MASTODON_KEY_ID, "cavage")

    def test_get_with_query(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key, "GET", "/activitypub/success?foo=42", v.MASTODON_GET_QUERY
        )
        assert result.ok

    def test_mismatching_query(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key, "GET", "/activitypub/success?foo=43", v.MASTODON_GET_QUERY
        )
        assert result.reason is Reason.BAD_SIGNATURE

    def test_query_omitted_from_signature_is_not_accepted(
        self, mastodon_private_key: PrivateKey
    ) -> None:
        # Mastodon still tolerates old Mastodons that signed the path without the query;
        # we do not (it lets a signed GET be replayed against any query string).
        result = mastodon_request(
            mastodon_private_key, "GET", "/activitypub/success?foo=42", v.MASTODON_GET
        )
        assert result.reason is Reason.BAD_SIGNATURE

    def test_mismatching_path(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key, "GET", "/activitypub/alternative-path", v.MASTODON_GET
        )
        assert result.reason is Reason.BAD_SIGNATURE

    def test_mismatching_method(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key, "POST", "/activitypub/success", v.MASTODON_GET
        )
        assert result.reason is Reason.MISSING_COVERED_COMPONENT
        assert result.detail == "digest"

    def test_unparsable_date(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "GET",
            "/activitypub/success",
            v.MASTODON_GET_BAD_DATE,
            date="wrong date",
        )
        assert result.reason is Reason.BAD_DATE

    def test_request_older_than_a_day(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "GET",
            "/activitypub/success",
            v.MASTODON_GET_OLD,
            date="Wed, 18 Dec 2023 10:00:00 GMT",
        )
        assert result.reason is Reason.EXPIRED

    def test_post(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "POST",
            "/activitypub/success",
            v.MASTODON_POST,
            headers="host date digest (request-target)",
            extra={"Digest": v.MASTODON_DIGEST},
            body=b"Hello world",
        )
        assert result.ok

    def test_post_without_signed_digest(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "POST",
            "/activitypub/success",
            v.MASTODON_POST_NO_DIGEST,
            headers="host date (request-target)",
            extra={"Digest": v.MASTODON_DIGEST},
            body=b"Hello world",
        )
        assert (result.reason, result.detail) == (Reason.MISSING_COVERED_COMPONENT, "digest")

    def test_post_with_tampered_body(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "POST",
            "/activitypub/success",
            v.MASTODON_POST,
            headers="host date digest (request-target)",
            extra={"Digest": v.MASTODON_DIGEST},
            body=b"Hello world!",
        )
        assert result.reason is Reason.DIGEST_MISMATCH

    def test_post_with_tampered_path(self, mastodon_private_key: PrivateKey) -> None:
        result = mastodon_request(
            mastodon_private_key,
            "POST",
            "/activitypub/alternative-path",
            v.MASTODON_POST,
            headers="host date digest (request-target)",
            extra={"Digest": v.MASTODON_DIGEST},
            body=b"Hello world",
        )
        assert result.reason is Reason.BAD_SIGNATURE

    def test_get_with_another_key(self, rsa_pair: tuple[str, str]) -> None:
        result = mastodon_request(
            load_private_key(rsa_pair[0]), "GET", "/activitypub/success", v.MASTODON_GET
        )
        assert result.reason is Reason.BAD_SIGNATURE


class TestHttpsigVectors:
    """draft-cavage Appendix C "Test" key, signatures from the ``httpsig`` test-suite."""

    def verify(self, headers: str, signature: str) -> VerificationResult:
        request_headers = {
            **v.HTTPSIG_HEADERS,
            "Authorization": f'Signature keyId="Test",algorithm="rsa-sha256",'
            f'headers="{headers}",signature="{signature}"',
        }
        return verify_request(
            "POST",
            "https://example.com/foo?param=value&pet=dog",
            request_headers,
            v.HTTPSIG_BODY,
            load_public_key(read_key("cavage_draft_test_public.pem")),
            v.HTTPSIG_NOW,
        )

    def test_all_headers_in_authorization_header(self) -> None:
        result = self.verify(
            "(request-target) host date content-type digest content-length", v.HTTPSIG_ALL
        )
        assert result == VerificationResult.success("Test", "cavage")

    def test_basic_signature_lacks_the_digest_we_require_on_a_body(self) -> None:
        result = self.verify("(request-target) host date", v.HTTPSIG_BASIC)
        assert (result.reason, result.detail) == (Reason.MISSING_COVERED_COMPONENT, "digest")


class TestOurSignatures:
    def sign(
        self, private_pem: str, method: str = "POST", body: bytes | None = BODY
    ) -> dict[str, str]:
        headers = {"Content-Type": "application/activity+json"}
        added = sign_headers(
            method, INBOX_URL, headers, body, KEY_ID, load_private_key(private_pem), NOW
        )
        return {**headers, **added}

    def verify(
        self,
        headers: dict[str, str],
        public_pem: str,
        *,
        body: bytes = BODY,
        now: datetime = NOW,
        method: str = "POST",
        url: str = INBOX_URL,
    ) -> VerificationResult:
        return verify_request(method, url, headers, body, load_public_key(public_pem), now)

    def test_post_headers_added(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        assert headers["Host"] == "b.example"
        assert headers["Date"] == "Sat, 01 Mar 2025 12:00:00 GMT"
        expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
        assert headers["Digest"] == f"SHA-256={expected}"
        signature = parse_signature_params(headers["Signature"])
        assert not isinstance(signature, Reason)
        assert signature.headers == ("(request-target)", "host", "date", "digest")
        assert signature.algorithm == "rsa-sha256"

    def test_get_covers_no_digest(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0], method="GET", body=b"")
        assert "Digest" not in headers
        assert 'headers="(request-target) host date"' in headers["Signature"]
        assert self.verify(headers, rsa_pair[1], method="GET", body=b"").ok

    def test_httpsig_verifies_our_post(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        verifier = HeaderVerifier(
            headers,
            rsa_pair[1],
            required_headers=["(request-target)", "host", "date", "digest"],
            method="POST",
            path="/inbox",
            sign_header="signature",
        )
        assert verifier.verify() is True

    def test_httpsig_verifies_our_get_with_query(self, rsa_pair: tuple[str, str]) -> None:
        added = sign_headers(
            "GET",
            "https://b.example:8443/users/alice?page=2",
            {},
            None,
            KEY_ID,
            load_private_key(rsa_pair[0]),
            NOW,
        )
        assert added["Host"] == "b.example:8443"
        verifier = HeaderVerifier(
            added,
            rsa_pair[1],
            required_headers=["(request-target)", "host", "date"],
            method="GET",
            path="/users/alice?page=2",
            sign_header="signature",
        )
        assert verifier.verify() is True

    def test_we_verify_our_own(self, rsa_pair: tuple[str, str]) -> None:
        assert self.verify(self.sign(rsa_pair[0]), rsa_pair[1]).ok

    def test_ed25519_signs_hs2019(self, ed25519_pair: tuple[str, str]) -> None:
        headers = self.sign(ed25519_pair[0])
        assert 'algorithm="hs2019"' in headers["Signature"]
        assert self.verify(headers, ed25519_pair[1]).ok

    def test_tampered_body(self, rsa_pair: tuple[str, str]) -> None:
        result = self.verify(self.sign(rsa_pair[0]), rsa_pair[1], body=BODY + b" ")
        assert result.reason is Reason.DIGEST_MISMATCH

    def test_tampered_header(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        headers["Date"] = "Sat, 01 Mar 2025 12:00:01 GMT"
        assert self.verify(headers, rsa_pair[1]).reason is Reason.BAD_SIGNATURE

    def test_tampered_target(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        result = self.verify(headers, rsa_pair[1], url="https://b.example/users/bob/inbox")
        assert result.reason is Reason.BAD_SIGNATURE

    def test_wrong_key(self, rsa_pair: tuple[str, str], other_rsa_pair: tuple[str, str]) -> None:
        result = self.verify(self.sign(rsa_pair[0]), other_rsa_pair[1])
        assert result.reason is Reason.BAD_SIGNATURE

    @pytest.mark.parametrize(
        ("shift", "reason"),
        [
            (timedelta(seconds=3601), Reason.EXPIRED),
            (timedelta(seconds=-3601), Reason.NOT_YET_VALID),
        ],
    )
    def test_date_outside_the_window(
        self, rsa_pair: tuple[str, str], shift: timedelta, reason: Reason
    ) -> None:
        result = self.verify(self.sign(rsa_pair[0]), rsa_pair[1], now=NOW + shift)
        assert result.reason is reason

    def test_date_inside_the_window(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        assert self.verify(headers, rsa_pair[1], now=NOW + timedelta(seconds=3599)).ok

    @pytest.mark.parametrize("missing", ["host", "digest", "(request-target)", "date"])
    def test_signature_not_covering_a_required_header(
        self, rsa_pair: tuple[str, str], missing: str
    ) -> None:
        covered = [h for h in ("(request-target)", "host", "date", "digest") if h != missing]
        headers = self.sign(rsa_pair[0])
        headers["Signature"] = resign(rsa_pair[0], headers, covered)
        result = self.verify(headers, rsa_pair[1])
        assert result.reason is Reason.MISSING_COVERED_COMPONENT
        assert missing in (result.detail or "")

    def test_created_may_replace_date(self, ed25519_pair: tuple[str, str]) -> None:
        headers = self.sign(ed25519_pair[0])
        covered = ["(request-target)", "host", "(created)", "digest"]
        created = int(NOW.timestamp())
        headers["Signature"] = resign(ed25519_pair[0], headers, covered, created=created)
        assert self.verify(headers, ed25519_pair[1]).ok
        later = NOW + timedelta(hours=2)
        assert self.verify(headers, ed25519_pair[1], now=later).reason is Reason.EXPIRED

    def test_expires_in_the_past(self, ed25519_pair: tuple[str, str]) -> None:
        headers = self.sign(ed25519_pair[0])
        covered = ["(request-target)", "host", "date", "digest", "(expires)"]
        expires = int(NOW.timestamp()) + 60
        headers["Signature"] = resign(ed25519_pair[0], headers, covered, expires=expires)
        assert self.verify(headers, ed25519_pair[1]).ok
        later = NOW + timedelta(seconds=61)
        assert self.verify(headers, ed25519_pair[1], now=later).reason is Reason.EXPIRED

    @pytest.mark.parametrize("algorithm", ["hmac-sha256", "rsa-sha512", "rsa-sha1", "ecdsa"])
    def test_unsupported_algorithm(self, rsa_pair: tuple[str, str], algorithm: str) -> None:
        headers = self.sign(rsa_pair[0])
        headers["Signature"] = headers["Signature"].replace("rsa-sha256", algorithm)
        assert self.verify(headers, rsa_pair[1]).reason is Reason.UNSUPPORTED_ALGORITHM

    def test_rsa_sha256_claimed_for_an_ed25519_key(self, ed25519_pair: tuple[str, str]) -> None:
        headers = self.sign(ed25519_pair[0])
        headers["Signature"] = headers["Signature"].replace("hs2019", "rsa-sha256")
        result = self.verify(headers, ed25519_pair[1])
        assert result.reason is Reason.KEY_ALGORITHM_MISMATCH

    def test_covered_header_absent_from_request(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(rsa_pair[0])
        del headers["Digest"]
        assert self.verify(headers, rsa_pair[1]).reason is Reason.MISSING_HEADER


def resign(
    private_pem: str,
    headers: dict[str, str],
    covered: list[str],
    *,
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """Sign ``covered`` by hand (the way another server might) to build odd signatures."""
    key = load_private_key(private_pem)
    _host, path = split_target(INBOX_URL)
    message = build_signing_string(
        "POST", path, normalize_headers(headers), covered, created=created, expires=expires
    ).encode()
    if hasattr(key, "key_size"):
        raw, algorithm = key.sign(message, padding.PKCS1v15(), hashes.SHA256()), "rsa-sha256"
    else:
        raw, algorithm = key.sign(message), "hs2019"
    params = f'keyId="{KEY_ID}",algorithm="{algorithm}",headers="{" ".join(covered)}"'
    if created is not None:
        params += f",created={created}"
    if expires is not None:
        params += f",expires={expires}"
    return f'{params},signature="{base64.b64encode(raw).decode()}"'


class TestParsing:
    def test_parse_mastodon_header(self) -> None:
        parsed = parse_signature_params(v.mastodon_signature("date host", v.MASTODON_GET))
        assert not isinstance(parsed, Reason)
        assert parsed.key_id == v.MASTODON_KEY_ID
        assert parsed.headers == ("date", "host")

    @pytest.mark.parametrize(
        "value",
        [
            "",
            'keyId="a"',
            'signature="AAAA"',
            'keyId="a",signature="not base64!"',
            'keyId="a",keyId="b",signature="AAAA"',
            'keyId="a" signature="AAAA"',
            'keyId="a",signature="AAAA",created=soon',
        ],
    )
    def test_bad_format(self, value: str) -> None:
        assert parse_signature_params(value) is Reason.BAD_FORMAT

    def test_default_headers_follow_the_algorithm(self) -> None:
        rsa = parse_signature_params('keyId="a",algorithm="rsa-sha256",signature="AAAA"')
        hs = parse_signature_params('keyId="a",signature="AAAA",created=1')
        assert not isinstance(rsa, Reason)
        assert not isinstance(hs, Reason)
        assert rsa.headers == ("date",)
        assert hs.headers == ("(created)",)
        assert hs.created == 1

    def test_extract_prefers_signature_then_authorization(self) -> None:
        headers = normalize_headers({"Authorization": 'Signature keyId="x",signature="AAAA"'})
        found = extract_signature(headers)
        assert not isinstance(found, Reason)
        assert found is not None
        assert found.key_id == "x"
        assert extract_signature(normalize_headers({"Authorization": "Bearer t"})) is None
