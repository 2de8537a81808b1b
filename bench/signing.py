"""Signing and verifying throughput of our draft-cavage path against the raw primitive.

The ceiling is ``cryptography``'s RSA-2048 PKCS#1 v1.5 SHA-256 sign / verify on a
signing-string-sized message; "ours" is the whole path: build the signing string, digest the
body, sign and format (``sign_headers``), and parse + check + verify (``verify_request``).
"deliver" is the delivery worker's signer: the whole signed POST (head and body) of one
delivery, with the body's digest and the ``Date`` text prepared once, as the worker does.
Single thread, so the figures are per core. Run: ``.venv/bin/python bench/signing.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from federation.cavage import sign_headers
from federation.delivery_signing import PendingRequest, PreparedActivity, SigningKey, sign_request
from federation.keys import generate_rsa_keypair, load_private_key, load_public_key
from federation.verify import verify_request

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://b.example/inbox"
KEY_ID = "https://a.example/users/alice#main-key"
BODY = b'{"@context":"https://www.w3.org/ns/activitystreams","type":"Like",' + b'"x":"' * 100
SECONDS = 2.0


def rate(operation: Callable[[], object], seconds: float = SECONDS) -> float:
    """Operations per second over about ``seconds`` of wall time."""
    operation()
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while (now := time.perf_counter()) < deadline:
        for _ in range(20):
            operation()
        count += 20
    return count / (now - start)


def main() -> None:
    private_pem, public_pem = generate_rsa_keypair()
    private_key = load_private_key(private_pem, trusted=True)
    public_key = load_public_key(public_pem)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    assert isinstance(public_key, rsa.RSAPublicKey)
    headers = {"Content-Type": "application/activity+json"}
    signed = {**headers, **sign_headers("POST", URL, headers, BODY, KEY_ID, private_key, NOW)}
    message = b"\n".join(f"{k.lower()}: {v}".encode() for k, v in signed.items())[:220]
    raw_signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    assert verify_request("POST", URL, signed, BODY, public_key, NOW).ok

    activity = PreparedActivity.from_body("https://a.example/activities/1", BODY.decode())
    pending = PendingRequest("b.example", "/inbox", activity, SigningKey(KEY_ID, private_key))
    date = signed["Date"]
    sign_ceiling = rate(lambda: private_key.sign(message, padding.PKCS1v15(), hashes.SHA256()))
    results = {
        "sign": (
            rate(lambda: sign_headers("POST", URL, headers, BODY, KEY_ID, private_key, NOW)),
            sign_ceiling,
        ),
        "deliver": (rate(lambda: sign_request(pending, date)), sign_ceiling),
        "verify": (
            rate(lambda: verify_request("POST", URL, signed, BODY, public_key, NOW)),
            rate(
                lambda: public_key.verify(
                    raw_signature, message, padding.PKCS1v15(), hashes.SHA256()
                )
            ),
        ),
    }
    print("RSA-2048, draft-cavage rsa-sha256, one core")
    print(f"{'':8}{'ours/s':>12}{'ceiling/s':>12}{'ours/ceiling':>14}")
    for name, (ours, ceiling) in results.items():
        print(f"{name:8}{ours:12.0f}{ceiling:12.0f}{ours / ceiling:14.2f}")


if __name__ == "__main__":
    main()
