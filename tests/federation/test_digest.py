import pytest

from federation.digest import (
    DigestCheck,
    compute_content_digest,
    compute_digest_header,
    verify_content_digest,
    verify_digest_header,
)

BODY = b'{"hello": "world"}'
# draft-cavage-http-signatures-12 Appendix C and RFC 9530 / RFC 9421 B.2 examples
SHA256_B64 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
SHA512_B64 = (
    "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
)


def test_digest_header_matches_the_drafts_example() -> None:
    assert compute_digest_header(BODY) == f"SHA-256={SHA256_B64}"


def test_content_digest_matches_the_rfcs_example() -> None:
    assert compute_content_digest(BODY, "sha-512") == f"sha-512=:{SHA512_B64}:"
    assert compute_content_digest(BODY) == f"sha-256=:{SHA256_B64}:"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"SHA-256={SHA256_B64}", DigestCheck.MATCH),
        (f"sha-256={SHA256_B64}", DigestCheck.MATCH),
        (f"SHA-512={SHA512_B64}", DigestCheck.MATCH),
        (f"SHA-256={SHA256_B64}, SHA-512={SHA512_B64}", DigestCheck.MATCH),
        (f"MD5=abc, SHA-256={SHA256_B64}", DigestCheck.MATCH),
        (f"SHA-256={SHA256_B64}, SHA-512={SHA256_B64}", DigestCheck.MISMATCH),
        (f"SHA-256={SHA512_B64}", DigestCheck.MISMATCH),
        ("MD5=abc", DigestCheck.UNSUPPORTED_ALGORITHM),
        ("SHA-256=not base64!", DigestCheck.MALFORMED),
        ("garbage", DigestCheck.MALFORMED),
    ],
)
def test_verify_digest_header(value: str, expected: DigestCheck) -> None:
    assert verify_digest_header(value, BODY) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"sha-256=:{SHA256_B64}:", DigestCheck.MATCH),
        (f"sha-512=:{SHA512_B64}:", DigestCheck.MATCH),
        (f"sha-256=:{SHA256_B64}:, sha-512=:{SHA512_B64}:", DigestCheck.MATCH),
        (f"md5=:AAAA:, sha-256=:{SHA256_B64}:", DigestCheck.MATCH),
        (f"sha-256=:{SHA512_B64}:", DigestCheck.MISMATCH),
        ("md5=:AAAA:", DigestCheck.UNSUPPORTED_ALGORITHM),
        (f"sha-256={SHA256_B64}", DigestCheck.MALFORMED),
        ("sha-256=:not base64:", DigestCheck.MALFORMED),
        ("sha-256=123", DigestCheck.MALFORMED),
    ],
)
def test_verify_content_digest(value: str, expected: DigestCheck) -> None:
    assert verify_content_digest(value, BODY) is expected


def test_tampered_body_mismatches() -> None:
    assert verify_digest_header(compute_digest_header(BODY), BODY + b" ") is DigestCheck.MISMATCH
    assert verify_content_digest(compute_content_digest(BODY), b"") is DigestCheck.MISMATCH
