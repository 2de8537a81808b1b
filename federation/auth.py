"""Outgoing request signing as ``httpx.Auth``, with the double-knock.

:class:`HttpSignatureAuth` signs every request with one scheme: draft-cavage-12
(:mod:`federation.cavage`) or RFC 9421 (:mod:`federation.rfc9421`).

:class:`DoubleKnockAuth` implements the "double-knocking" of the SWICG ActivityPub HTTP
Signature report (https://swicg.github.io/activitypub-http-signature/#how-to-upgrade-supported-versions):
sign with the scheme remembered for the host (or the default), and on a 401 sign again once
with the other scheme; remember per host what worked. Fedify does the same
(``fedify-dev/fedify`` ``packages/fedify/src/sig/http.ts``, ``doubleKnock``), though it also
knocks again on 400 and 5xx; we knock again on 401 only. Where the choice is remembered is the
caller's: :class:`SignatureSchemeMemory` is a protocol, :class:`InMemorySchemeMemory` a dict.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator
from datetime import UTC, datetime
from typing import Protocol, TypeAlias

import httpx

from federation import cavage, rfc9421
from federation.keys import PrivateKey
from federation.reasons import Scheme

Clock: TypeAlias = Callable[[], datetime]

_SIGNATURE_HEADERS = ("signature", "signature-input", "digest", "content-digest", "date")


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def other_scheme(scheme: Scheme) -> Scheme:
    """The scheme to knock with the second time."""
    return "rfc9421" if scheme == "cavage" else "cavage"


def sign_request(
    request: httpx.Request, scheme: Scheme, key_id: str, private_key: PrivateKey, now: datetime
) -> None:
    """Sign ``request`` in place (dropping any earlier signature), with its buffered body."""
    for name in _SIGNATURE_HEADERS:
        request.headers.pop(name, None)
    body = request.content
    url = str(request.url)
    if scheme == "cavage":
        added = cavage.sign_headers(
            request.method, url, request.headers, body, key_id, private_key, now
        )
    else:
        added = rfc9421.sign_rfc9421(request.method, url, body, key_id, private_key, now)
    request.headers.update(added)


class HttpSignatureAuth(httpx.Auth):
    """Sign every request (GET and POST alike) with ``scheme``."""

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey,
        scheme: Scheme = "cavage",
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.key_id = key_id
        self.private_key = private_key
        self.scheme: Scheme = scheme
        self.clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign and send once."""
        sign_request(request, self.scheme, self.key_id, self.private_key, self.clock())
        yield request


class SignatureSchemeMemory(Protocol):
    """Where the scheme that worked for a host is kept (a dict, a table, a cache)."""

    async def recall(self, host: str) -> Scheme | None:
        """The scheme that last worked for ``host``, if known."""
        ...

    async def remember(self, host: str, scheme: Scheme) -> None:
        """Record that ``scheme`` worked for ``host``."""
        ...


class InMemorySchemeMemory:
    """A :class:`SignatureSchemeMemory` in a dict (per process; fine for tests and one box)."""

    def __init__(self) -> None:
        self.schemes: dict[str, Scheme] = {}

    async def recall(self, host: str) -> Scheme | None:
        """The remembered scheme."""
        return self.schemes.get(host)

    async def remember(self, host: str, scheme: Scheme) -> None:
        """Remember ``scheme``."""
        self.schemes[host] = scheme


class DoubleKnockAuth(httpx.Auth):
    """Sign with the remembered (or default) scheme; after a 401, once with the other."""

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey,
        memory: SignatureSchemeMemory,
        *,
        default_scheme: Scheme = "cavage",
        clock: Clock = utc_now,
    ) -> None:
        self.key_id = key_id
        self.private_key = private_key
        self.memory = memory
        self.default_scheme: Scheme = default_scheme
        self.clock = clock

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Not supported: the memory is asynchronous."""
        raise RuntimeError("DoubleKnockAuth works with httpx.AsyncClient only")
        yield request  # pragma: no cover

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Knock, and knock again with the other scheme on a 401."""
        host = request.url.netloc.decode("ascii").lower()
        remembered = await self.memory.recall(host)
        scheme = remembered or self.default_scheme
        sign_request(request, scheme, self.key_id, self.private_key, self.clock())
        response = yield request
        if response.status_code == 401:
            scheme = other_scheme(scheme)
            sign_request(request, scheme, self.key_id, self.private_key, self.clock())
            response = yield request
            if response.status_code == 401:
                return
        if scheme != remembered:
            await self.memory.remember(host, scheme)
