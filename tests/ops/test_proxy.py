"""Forwarded headers are believed from trusted proxies only; every request has an id."""

import ipaddress
import logging

import pytest

from fediverse.logs import JSONFormatter, RequestIdFilter, TextFormatter, request_id
from fediverse.web.proxy import resolve_client
from tests.ops.conftest import ClientFactory

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not a proxy: its header is ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left hop is forged
        ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies in a row
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all proxies: the left-most
        ("10.0.0.2", "198.51.100.1, garbage", "10.0.0.2"),  # garbage: stop at what we vouch
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "198.51.100.1:5555", "198.51.100.1"),
        ("::1", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.2", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_is_the_rightmost_untrusted_hop(
    peer: str, forwarded_for: str, expected: str
) -> None:
    assert resolve_client(peer, forwarded_for, PROXIES) == expected


def test_nothing_is_trusted_by_default() -> None:
    assert resolve_client("127.0.0.1", "198.51.100.1", []) == "127.0.0.1"


FORWARDED = {
    "X-Forwarded-For": "198.51.100.1",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Request-Id": "proxy-id-1",
}


def access_record(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    [record] = [r for r in caplog.records if r.name == "fediverse.access"]
    return record


async def test_a_trusted_proxy_supplies_client_request_id_and_diagnostics(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fediverse.access")
    async with make_client(trusted_proxies=LOOPBACK) as http:
        response = await http.get("/nodeinfo/2.1", headers=FORWARDED)
    assert response.headers["x-request-id"] == "proxy-id-1"
    record = access_record(caplog)
    assert record.client == "198.51.100.1"
    assert (record.forwarded_proto, record.forwarded_host) == ("https", "evil.example")
    assert record.route == "/nodeinfo/2.1"


async def test_an_untrusted_peer_cannot_spoof_anything(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "fediverse.access")
    async with make_client() as http:
        response = await http.get("/nodeinfo/2.1", headers=FORWARDED)
    minted = response.headers["x-request-id"]
    assert minted != "proxy-id-1"
    assert len(minted) == 32
    record = access_record(caplog)
    assert record.client == "127.0.0.1"
    assert record.forwarded_host is None


async def test_public_urls_come_from_settings_whatever_the_headers_say(
    make_client: ClientFactory,
) -> None:
    async with make_client(trusted_proxies=LOOPBACK) as http:
        links = await http.get(
            "/.well-known/nodeinfo", headers={**FORWARDED, "Host": "evil.example"}
        )
    assert links.json()["links"][0]["href"] == "https://social.test/nodeinfo/2.1"


async def test_a_malformed_request_id_from_a_proxy_is_replaced(
    make_client: ClientFactory,
) -> None:
    async with make_client(trusted_proxies=LOOPBACK) as http:
        response = await http.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert response.headers["x-request-id"] != "bad id\twith spaces"


def _format(formatter: logging.Formatter) -> str:
    record = logging.LogRecord("fediverse.test", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    return formatter.format(record)


def test_every_log_line_in_a_request_carries_its_id() -> None:
    token = request_id.set("abc123")
    try:
        assert '"request_id":"abc123"' in _format(JSONFormatter())
        assert "INFO [abc123] fediverse.test: hello" in _format(TextFormatter())
    finally:
        request_id.reset(token)
    assert "request_id" not in _format(JSONFormatter())
    assert "INFO fediverse.test: hello" in _format(TextFormatter())
