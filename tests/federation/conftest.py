"""Fixtures for the federation tests: test keys, fixture files, real loopback HTTP servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from federation.keys import (
    PrivateKey,
    generate_ed25519_keypair,
    generate_rsa_keypair,
    load_private_key,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KEYS = FIXTURES / "keys"


def read_key(name: str) -> str:
    return (KEYS / name).read_text()


def load_fixture(relative: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / relative).read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="session")
def mastodon_private_key() -> PrivateKey:
    return load_private_key(read_key("mastodon_spec_rsa.pem"))


@pytest.fixture(scope="session")
def rsa_pair() -> tuple[str, str]:
    return generate_rsa_keypair()


@pytest.fixture(scope="session")
def other_rsa_pair() -> tuple[str, str]:
    return generate_rsa_keypair()


@pytest.fixture(scope="session")
def ed25519_pair() -> tuple[str, str]:
    return generate_ed25519_keypair()
