import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation.errors import InvalidKey
from federation.keys import (
    export_public_pem,
    generate_rsa_keypair,
    load_private_key,
    load_public_key,
    sign_bytes,
    verify_bytes,
)

from .conftest import read_key


def test_generated_pair_is_rsa_2048_e65537_pkcs8_and_spki() -> None:
    private_pem, public_pem = generate_rsa_keypair()
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    key = load_private_key(private_pem, trusted=True)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048
    assert key.public_key().public_numbers().e == 65537
    assert export_public_pem(key.public_key()) == public_pem


def test_loading_is_memoised_by_pem(rsa_pair: tuple[str, str]) -> None:
    private_pem, public_pem = rsa_pair
    assert load_private_key(private_pem) is load_private_key(private_pem)
    assert load_public_key(public_pem) is load_public_key(public_pem)


def test_public_key_in_pkcs1_form_loads(rsa_pair: tuple[str, str]) -> None:
    spki = load_public_key(rsa_pair[1])
    assert isinstance(spki, rsa.RSAPublicKey)
    pkcs1 = spki.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    loaded = load_public_key(pkcs1.decode())
    assert isinstance(loaded, rsa.RSAPublicKey)
    assert loaded.public_numbers() == spki.public_numbers()


def test_ed25519_public_key_loads() -> None:
    key = load_public_key(read_key("rfc9421_test_key_ed25519_public.pem"))
    assert isinstance(key, ed25519.Ed25519PublicKey)


def test_legacy_pkcs1_private_key_loads() -> None:
    key = load_private_key(read_key("mastodon_spec_rsa.pem"))
    assert isinstance(key, rsa.RSAPrivateKey)


@pytest.mark.parametrize("pem", ["", "not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END"])
def test_garbage_public_key_is_invalid(pem: str) -> None:
    with pytest.raises(InvalidKey):
        load_public_key(pem)


def test_ec_keys_are_refused() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = export_ec_public_pem(ec.generate_private_key(ec.SECP256R1()).public_key())
    with pytest.raises(InvalidKey, match="unsupported public key type"):
        load_public_key(pem)


def export_ec_public_pem(key: object) -> str:
    assert hasattr(key, "public_bytes")
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@pytest.mark.parametrize("pair", ["rsa_pair", "ed25519_pair"])
def test_sign_and_verify_bytes_with_the_keys_own_algorithm(
    pair: str, request: pytest.FixtureRequest
) -> None:
    private_pem, public_pem = request.getfixturevalue(pair)
    public_key = load_public_key(public_pem)
    signature = sign_bytes(load_private_key(private_pem), b"message")
    assert verify_bytes(public_key, signature, b"message")
    assert not verify_bytes(public_key, signature, b"massage")
