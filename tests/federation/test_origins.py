"""One parser for origins: strict, normalising, and in agreement with the HTTP client."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from federation.errors import InvalidURL
from federation.origins import (
    Origin,
    authority_of,
    is_valid_url,
    normalize_host,
    parse_origin,
    same_origin,
)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://example.com/x", Origin("https", "example.com", 443)),
        ("HTTPS://EXAMPLE.COM/x", Origin("https", "example.com", 443)),
        ("https://example.com./x", Origin("https", "example.com", 443)),
        ("https://example.com:443/x", Origin("https", "example.com", 443)),
        ("http://example.com:80", Origin("http", "example.com", 80)),
        ("http://example.com:8080/?q#f", Origin("http", "example.com", 8080)),
        ("https://bücher.example/x", Origin("https", "xn--bcher-kva.example", 443)),
        ("https://BÜCHER.example/x", Origin("https", "xn--bcher-kva.example", 443)),
        ("http://127.0.0.1:3000/u", Origin("http", "127.0.0.1", 3000)),
        ("http://[::1]:3000/u", Origin("http", "::1", 3000)),
        ("http://[0:0::1]/u", Origin("http", "::1", 80)),
        ("http://localhost:8000", Origin("http", "localhost", 8000)),
    ],
)
def test_origins_are_normalised(url: str, origin: Origin) -> None:
    assert parse_origin(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "http://a.example@b.example/actors/x",  # userinfo: which host is meant?
        "http://@b.example/x",
        "http://user:pass@b.example/x",
        "http://a.example\\@b.example/x",  # WHATWG reads "\" as "/"
        "http://a.example%40b.example/x",
        "http://a.example /x",
        "http://a.example\t/x",
        "http://a.example\n.b/x",
        "https://a.example:/x",  # empty port
        "https://a.example:0/x",
        "https://a.example:65536/x",
        "https://a.example:8o/x",
        "http://0x7f.1/",  # resolvers read these as 127.0.0.1
        "http://2130706433/",
        "http://127.1/",
        "http://127.000.0.1/",
        "http://[fe80::1%25eth0]/",
        "http://[::1/",
        "http://a..example/",
        "http://-a.example/",
        "https://",
        "https:///path",
        "//example.com/x",
        "/relative",
        "data:text/plain,hello",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "https://example.com/" + "x" * 3000,
        "",
    ],
)
def test_ambiguous_or_foreign_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidURL):
        parse_origin(url)
    assert not is_valid_url(url)


def test_origins_compare_scheme_host_and_port() -> None:
    assert same_origin("https://A.example./x", "https://a.example:443/y")
    assert not same_origin("https://a.example/x", "http://a.example/x")
    assert not same_origin("https://a.example/x", "https://a.example:8443/x")
    assert not same_origin("https://a.example/x", "https://b.a.example/x")
    # two invalid URLs are never "the same origin"
    assert not same_origin("http://a@b.example/x", "http://a@b.example/y")
    assert not same_origin(None, None)


def test_authority_drops_default_ports_only() -> None:
    assert authority_of("https://Example.com:443/x") == "example.com"
    assert authority_of("https://example.com:80/x") == "example.com:80"
    assert authority_of("http://[::1]:8080/") == "[::1]:8080"
    with pytest.raises(InvalidURL):
        authority_of("http://a@b/")


def test_domains_normalise_like_urls() -> None:
    assert normalize_host("Bücher.Example.") == "xn--bcher-kva.example"
    assert normalize_host("::FFFF:7F00:1") == "::ffff:7f00:1"


_HOSTS = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9.@:%\\\[\]_-]{0,20}", fullmatch=True)


@given(scheme=st.sampled_from(["http", "https", "HTTP"]), host=_HOSTS, path=st.text(max_size=10))
def test_what_we_accept_httpx_connects_to(scheme: str, host: str, path: str) -> None:
    """No parser differential: whenever we accept a URL, httpx reads the same host and port."""
    url = f"{scheme}://{host}/{path}"
    try:
        origin = parse_origin(url)
    except InvalidURL:
        return
    parsed = httpx.URL(url)
    assert parsed.host.removesuffix(".") == origin.host
    assert (parsed.port or (443 if origin.scheme == "https" else 80)) == origin.port
    assert not parsed.userinfo
