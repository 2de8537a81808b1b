"""Key generation, memoised PEM loading, and signing and verifying bytes with a key's own
algorithm (RSA → RSASSA-PKCS1-v1_5 SHA-256, RFC 8017 §8.2; Ed25519 → Ed25519, RFC 8032).

Actor keys are published as ``publicKey.publicKeyPem`` (W3C Security Vocabulary v1,
https://w3c-ccg.github.io/security-vocab/#publicKeyPem); in practice RSA in SPKI
(``BEGIN PUBLIC KEY``, RFC 5280 §4.1) or PKCS#1 (``BEGIN RSA PUBLIC KEY``, RFC 8017 §A.1.1),
and Ed25519 in SPKI (RFC 8410 §4). Private keys are PKCS#8 (RFC 5208).

Loading an RSA private key with full validation costs ~40 ms, so loaded objects are cached by
their PEM text, and keys we generated ourselves may skip the validation (``trusted=True``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeAlias

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from federation.errors import InvalidKey, SigningError

PublicKey: TypeAlias = rsa.RSAPublicKey | ed25519.Ed25519PublicKey
PrivateKey: TypeAlias = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

#: How many loaded keys each cache keeps; remote actors' keys are the many.
KEY_CACHE_SIZE = 8192

RSA_KEY_BITS = 2048
RSA_PUBLIC_EXPONENT = 65537


def generate_rsa_keypair() -> tuple[str, str]:
    """Return ``(private_pem, public_pem)``: RSA-2048, e=65537, PKCS#8 and SPKI PEM."""
    key = rsa.generate_private_key(public_exponent=RSA_PUBLIC_EXPONENT, key_size=RSA_KEY_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return private_pem, export_public_pem(key.public_key())


def generate_ed25519_keypair() -> tuple[str, str]:
    """Return ``(private_pem, public_pem)`` of a new Ed25519 key (RFC 8410), PKCS#8 and SPKI."""
    key = ed25519.Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return private_pem, export_public_pem(key.public_key())


def export_public_pem(key: PublicKey) -> str:
    """Serialise a public key as SPKI PEM (``BEGIN PUBLIC KEY``), the form actors publish."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: str, *, trusted: bool = False) -> PrivateKey:
    """Load (once) an RSA or Ed25519 private key from PEM.

    ``trusted=True`` skips the costly RSA consistency checks; use it only for keys this
    server generated and stored itself.
    """
    return _load_private_key(pem, trusted)


def load_public_key(pem: str) -> PublicKey:
    """Load (once) an RSA (SPKI or PKCS#1) or Ed25519 (SPKI) public key from PEM."""
    return _load_public_key(pem)


def clear_key_caches() -> None:
    """Forget every loaded key (tests and benchmarks use this)."""
    _load_private_key.cache_clear()
    _load_public_key.cache_clear()


@lru_cache(maxsize=KEY_CACHE_SIZE)
def _load_private_key(pem: str, trusted: bool) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(
            pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=trusted
        )
    except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise InvalidKey("unreadable private key", detail=str(exc)) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise InvalidKey("unsupported private key type", detail=type(key).__name__)
    return key


@lru_cache(maxsize=KEY_CACHE_SIZE)
def _load_public_key(pem: str) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError) as exc:
        raise InvalidKey("unreadable public key", detail=str(exc)) from exc
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise InvalidKey("unsupported public key type", detail=type(key).__name__)
    return key


def sign_bytes(private_key: PrivateKey, message: bytes) -> bytes:
    """Sign ``message`` with the key's own algorithm."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.sign(message)
    raise SigningError("unsupported private key type", detail=type(private_key).__name__)


def verify_bytes(public_key: PublicKey, signature: bytes, message: bytes) -> bool:
    """Check a raw signature of ``message`` with the key's own algorithm."""
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
