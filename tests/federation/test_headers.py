"""What both signature schemes share about headers: normalisation, Host and request target."""

from __future__ import annotations

import pytest

from federation.headers import normalize_headers, split_target


def test_names_are_lower_cased_and_repeats_joined() -> None:
    headers = [("Accept", " a "), ("accept", "b"), ("Host", "x.example")]
    assert normalize_headers(headers) == {"accept": "a, b", "host": "x.example"}


@pytest.mark.parametrize(
    ("url", "host", "target"),
    [
        ("https://B.example/inbox", "b.example", "/inbox"),
        ("https://b.example:443/inbox", "b.example", "/inbox"),
        ("http://b.example:8080/users/a?page=2", "b.example:8080", "/users/a?page=2"),
        ("https://[2001:db8::1]:8443", "[2001:db8::1]:8443", "/"),
    ],
)
def test_split_target(url: str, host: str, target: str) -> None:
    assert split_target(url) == (host, target)
