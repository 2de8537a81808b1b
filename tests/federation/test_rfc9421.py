"""RFC 9421: the RFC's own vectors verify; ours verify with the stock http-message-signatures
verifier and with a signature base assembled by hand; tampering fails with its reason."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, MappingKeyResolver
from http_message_signatures.algorithms import RSA_V1_5_SHA256

from federation.headers import normalize_headers
from federation.keys import PrivateKey, load_private_key, load_public_key
from federation.reasons import Reason, VerificationResult
from federation.rfc9421 import parse_rfc9421, sign_rfc9421, verify_rfc9421
from federation.verify import verify_request

from . import vectors as v
from .conftest import read_key

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
INBOX_URL = "https://b.example/inbox"
KEY_ID = "https://a.example/actor#main-key"
BODY = b'{"type": "Create"}'


@dataclass
class Message:
    """A bare request for the package's stock verifier: method, url, header dict."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


def rfc_request(signature_input: str, signature: str) -> dict[str, str]:
    return {**v.RFC9421_HEADERS, "Signature-Input": signature_input, "Signature": signature}


class TestRfcVectors:
    def test_b23_rsa_pss_sha512_passes_our_full_policy(self) -> None:
        result = verify_request(
            "POST",
            v.RFC9421_TARGET,
            rfc_request(v.RFC9421_B23_INPUT, v.RFC9421_B23_SIGNATURE),
            v.RFC9421_BODY,
            load_public_key(read_key("rfc9421_test_key_rsa_pss_public.pem")),
            v.RFC9421_NOW,
        )
        assert result == VerificationResult.success("test-key-rsa-pss", "rfc9421")

    def test_b23_with_tampered_body(self) -> None:
        result = verify_request(
            "POST",
            v.RFC9421_TARGET,
            rfc_request(v.RFC9421_B23_INPUT, v.RFC9421_B23_SIGNATURE),
            b'{"hello": "world!"}',
            load_public_key(read_key("rfc9421_test_key_rsa_pss_public.pem")),
            v.RFC9421_NOW,
        )
        assert result.reason is Reason.DIGEST_MISMATCH

    def b26(self, *, require_content_digest: bool) -> VerificationResult:
        headers = normalize_headers(rfc_request(v.RFC9421_B26_INPUT, v.RFC9421_B26_SIGNATURE))
        parsed = parse_rfc9421(headers)
        assert isinstance(parsed, list)
        return verify_rfc9421(
            parsed[0],
            "POST",
            v.RFC9421_TARGET,
            headers,
            v.RFC9421_BODY,
            load_public_key(read_key("rfc9421_test_key_ed25519_public.pem")),
            v.RFC9421_NOW,
            require_content_digest=require_content_digest,
        )

    def test_b26_ed25519_signature_is_sound(self) -> None:
        assert self.b26(require_content_digest=False).ok

    def test_b26_is_refused_for_leaving_the_body_uncovered(self) -> None:
        result = self.b26(require_content_digest=True)
        assert (result.reason, result.detail) == (
            Reason.MISSING_COVERED_COMPONENT,
            "content-digest",
        )


class TestOurSignatures:
    def sign(self, key: PrivateKey, body: bytes | None = BODY, method: str = "POST") -> dict:
        return sign_rfc9421(method, INBOX_URL, body, KEY_ID, key, NOW)

    def verify(
        self,
        headers: dict[str, str],
        public_pem_or_key: object,
        *,
        body: bytes = BODY,
        now: datetime = NOW,
        url: str = INBOX_URL,
        method: str = "POST",
    ) -> VerificationResult:
        key = (
            load_public_key(public_pem_or_key)
            if isinstance(public_pem_or_key, str)
            else public_pem_or_key
        )
        return verify_request(method, url, headers, body, key, now)  # type: ignore[arg-type]

    def test_shape_of_a_post(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        digest = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
        assert headers["Content-Digest"] == f"sha-256=:{digest}:"
        assert headers["Signature-Input"] == (
            'sig1=("@method" "@target-uri" "content-digest");created=1740830400;'
            f'keyid="{KEY_ID}";alg="rsa-v1_5-sha256"'
        )
        assert headers["Signature"].startswith("sig1=:")

    def test_get_covers_no_digest(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key, body=None, method="GET")
        assert "Content-Digest" not in headers
        assert headers["Signature-Input"].startswith('sig1=("@method" "@target-uri");')
        public = mastodon_private_key.public_key()
        assert self.verify(headers, public, body=b"", method="GET").ok

    def test_stock_package_verifier_accepts_ours(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        verifier = HTTPMessageVerifier(
            signature_algorithm=RSA_V1_5_SHA256,
            key_resolver=MappingKeyResolver(
                public_keys={KEY_ID: mastodon_private_key.public_key()}, private_keys={}
            ),
        )
        results = verifier.verify(
            Message("POST", INBOX_URL, headers),
            max_age=None,
            body=BODY,
            require_components=("@method", "@target-uri", "content-digest"),
        )
        assert results[0].parameters["keyid"] == KEY_ID

    def test_hand_built_signature_base_verifies(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        params = headers["Signature-Input"].removeprefix("sig1=")
        base = (
            '"@method": POST\n'
            f'"@target-uri": {INBOX_URL}\n'
            f'"content-digest": {headers["Content-Digest"]}\n'
            f'"@signature-params": {params}'
        )
        raw = base64.b64decode(headers["Signature"].removeprefix("sig1=:").removesuffix(":"))
        mastodon_private_key.public_key().verify(  # type: ignore[call-arg]
            raw,
            base.encode(),
            padding.PKCS1v15(),  # type: ignore[arg-type]
            hashes.SHA256(),
        )

    def test_we_verify_a_hand_made_rsa_v1_5_signature(
        self, mastodon_private_key: PrivateKey
    ) -> None:
        created = int(NOW.timestamp())
        params = f'("@method" "@target-uri");created={created};keyid="{KEY_ID}"'
        base = f'"@method": GET\n"@target-uri": {INBOX_URL}\n"@signature-params": {params}'
        assert isinstance(mastodon_private_key, rsa.RSAPrivateKey)
        raw = mastodon_private_key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
        headers = {
            "Signature-Input": f"sig1={params}",
            "Signature": f"sig1=:{base64.b64encode(raw).decode()}:",
        }
        public = mastodon_private_key.public_key()
        assert self.verify(headers, public, body=b"", method="GET").ok

    def test_ed25519(self, ed25519_pair: tuple[str, str]) -> None:
        headers = self.sign(load_private_key(ed25519_pair[0]))
        assert 'alg="ed25519"' in headers["Signature-Input"]
        assert self.verify(headers, ed25519_pair[1]).ok

    def test_tampered_body(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(load_private_key(rsa_pair[0]))
        assert self.verify(headers, rsa_pair[1], body=b"{}").reason is Reason.DIGEST_MISMATCH

    def test_tampered_target(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(load_private_key(rsa_pair[0]))
        result = self.verify(headers, rsa_pair[1], url="https://b.example/other")
        assert result.reason is Reason.BAD_SIGNATURE

    def test_tampered_method(self, rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(load_private_key(rsa_pair[0]))
        assert self.verify(headers, rsa_pair[1], method="PUT").reason is Reason.BAD_SIGNATURE

    def test_wrong_key(self, rsa_pair: tuple[str, str], other_rsa_pair: tuple[str, str]) -> None:
        headers = self.sign(load_private_key(rsa_pair[0]))
        assert self.verify(headers, other_rsa_pair[1]).reason is Reason.BAD_SIGNATURE

    @pytest.mark.parametrize(
        ("shift", "reason"),
        [(timedelta(hours=2), Reason.EXPIRED), (timedelta(hours=-2), Reason.NOT_YET_VALID)],
    )
    def test_created_outside_the_window(
        self, rsa_pair: tuple[str, str], shift: timedelta, reason: Reason
    ) -> None:
        headers = self.sign(load_private_key(rsa_pair[0]))
        assert self.verify(headers, rsa_pair[1], now=NOW + shift).reason is reason

    def package_signed(
        self, key: PrivateKey, covered: tuple[str, ...], *, body: bytes | None = BODY, **kwargs
    ) -> dict[str, str]:
        message = Message("POST", INBOX_URL)
        signer = HTTPMessageSigner(
            signature_algorithm=RSA_V1_5_SHA256,
            key_resolver=MappingKeyResolver(public_keys={}, private_keys={KEY_ID: key}),
        )
        signer.sign(
            message, key_id=KEY_ID, created=NOW, covered_component_ids=covered, body=body, **kwargs
        )
        return message.headers

    def test_expires_in_the_past(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.package_signed(
            mastodon_private_key,
            ("@method", "@target-uri"),
            expires=NOW + timedelta(seconds=60),
        )
        key = mastodon_private_key.public_key()
        assert self.verify(headers, key).ok
        later = NOW + timedelta(seconds=61)
        assert self.verify(headers, key, now=later).reason is Reason.EXPIRED

    def test_body_not_covered(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.package_signed(mastodon_private_key, ("@method", "@target-uri"), body=None)
        result = self.verify(headers, mastodon_private_key.public_key())
        assert (result.reason, result.detail) == (
            Reason.MISSING_COVERED_COMPONENT,
            "content-digest",
        )

    @pytest.mark.parametrize(
        ("covered", "missing"),
        [
            (("@target-uri",), "@method"),
            (("@method", "@authority"), "@target-uri or @authority + @path"),
        ],
    )
    def test_required_components(
        self, mastodon_private_key: PrivateKey, covered: tuple[str, ...], missing: str
    ) -> None:
        headers = self.package_signed(mastodon_private_key, covered)
        result = self.verify(headers, mastodon_private_key.public_key())
        assert (result.reason, result.detail) == (Reason.MISSING_COVERED_COMPONENT, missing)

    def test_authority_and_path_may_replace_target_uri(
        self, mastodon_private_key: PrivateKey
    ) -> None:
        headers = self.package_signed(mastodon_private_key, ("@method", "@authority", "@path"))
        assert self.verify(headers, mastodon_private_key.public_key()).ok

    def test_unsupported_algorithm(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        headers["Signature-Input"] = headers["Signature-Input"].replace(
            "rsa-v1_5-sha256", "hmac-sha256"
        )
        result = self.verify(headers, mastodon_private_key.public_key())
        assert result.reason is Reason.UNSUPPORTED_ALGORITHM

    def test_algorithm_that_does_not_fit_the_key(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        headers["Signature-Input"] = headers["Signature-Input"].replace(
            "rsa-v1_5-sha256", "ed25519"
        )
        result = self.verify(headers, mastodon_private_key.public_key())
        assert result.reason is Reason.KEY_ALGORITHM_MISMATCH

    def test_created_is_required(self, mastodon_private_key: PrivateKey) -> None:
        headers = self.sign(mastodon_private_key)
        headers["Signature-Input"] = headers["Signature-Input"].replace(";created=1740830400", "")
        result = self.verify(headers, mastodon_private_key.public_key())
        assert result.reason is Reason.BAD_FORMAT

    @pytest.mark.parametrize(
        ("signature_input", "signature"),
        [
            ("sig1=(", "sig1=:AAAA:"),
            ('sig1=("@method");created=1;keyid="k"', "sig2=:AAAA:"),
            ('sig1=("@method");created=1', "sig1=:AAAA:"),
            ('sig1=("@method");created=1;keyid="k"', 'sig1="text"'),
            ('sig1=("@method");created="yesterday";keyid="k"', "sig1=:AAAA:"),
        ],
    )
    def test_bad_format(self, signature_input: str, signature: str) -> None:
        headers = normalize_headers({"Signature-Input": signature_input, "Signature": signature})
        assert parse_rfc9421(headers) is Reason.BAD_FORMAT
