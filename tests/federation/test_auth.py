"""HttpSignatureAuth and DoubleKnockAuth over httpx.MockTransport, verified by our verifier."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from federation.auth import DoubleKnockAuth, HttpSignatureAuth, InMemorySchemeMemory
from federation.keys import load_private_key, load_public_key
from federation.reasons import Scheme
from federation.verify import detect_scheme, verify_request

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
KEY_ID = "https://a.example/actor#main-key"


def verifying_app(public_pem: str, accept: Scheme | None, seen: list[httpx.Headers]):
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.copy())  # the auth flow re-signs the same object
        result = verify_request(
            request.method,
            str(request.url),
            request.headers,
            request.content,
            load_public_key(public_pem),
            NOW,
        )
        ok = result.ok and (accept is None or result.scheme == accept)
        return httpx.Response(202 if ok else 401)

    return handle


@pytest.mark.parametrize("scheme", ["cavage", "rfc9421"])
async def test_signs_posts_and_gets(rsa_pair: tuple[str, str], scheme: Scheme) -> None:
    seen: list[httpx.Headers] = []
    auth = HttpSignatureAuth(KEY_ID, load_private_key(rsa_pair[0]), scheme, clock=lambda: NOW)
    transport = httpx.MockTransport(verifying_app(rsa_pair[1], scheme, seen))
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        post = await client.post("https://b.example/inbox", content=b'{"type":"Follow"}')
        get = await client.get("https://b.example/users/bob?page=1")
    assert (post.status_code, get.status_code) == (202, 202)
    assert [detect_scheme(headers) for headers in seen] == [scheme, scheme]


async def test_double_knock_remembers_per_host(rsa_pair: tuple[str, str]) -> None:
    seen: list[httpx.Headers] = []
    memory = InMemorySchemeMemory()
    auth = DoubleKnockAuth(KEY_ID, load_private_key(rsa_pair[0]), memory, clock=lambda: NOW)
    transport = httpx.MockTransport(verifying_app(rsa_pair[1], "rfc9421", seen))
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        first = await client.post("https://b.example/inbox", content=b"{}")
        second = await client.post("https://b.example/inbox", content=b"{}")
    assert (first.status_code, second.status_code) == (202, 202)
    assert [detect_scheme(headers) for headers in seen] == ["cavage", "rfc9421", "rfc9421"]
    assert memory.schemes == {"b.example": "rfc9421"}
    # the retried request carries no leftover of the first signature
    assert "digest" not in seen[1]
    assert "content-digest" in seen[1]


async def test_double_knock_on_success_records_the_default(rsa_pair: tuple[str, str]) -> None:
    memory = InMemorySchemeMemory()
    auth = DoubleKnockAuth(KEY_ID, load_private_key(rsa_pair[0]), memory, clock=lambda: NOW)
    transport = httpx.MockTransport(verifying_app(rsa_pair[1], None, []))
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        await client.get("https://c.example:8443/x")
    assert memory.schemes == {"c.example:8443": "cavage"}


def test_double_knock_is_async_only(rsa_pair: tuple[str, str]) -> None:
    auth = DoubleKnockAuth(KEY_ID, load_private_key(rsa_pair[0]), InMemorySchemeMemory())
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with (
        httpx.Client(transport=transport) as client,
        pytest.raises(RuntimeError, match="AsyncClient"),
    ):
        client.get("https://b.example/", auth=auth)
