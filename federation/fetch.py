"""Safe, signed fetching of remote documents.

One :class:`Fetcher` holds one ``httpx.AsyncClient`` over the SSRF-guarded transport
(:mod:`federation.transport`). Every GET is signed with the instance actor's key (the
"authorized fetch" Mastodon's secure mode requires; the double-knock of :mod:`federation.auth`
falls back between schemes on 401). Limits: body bytes (streamed, cut past the limit), connect
and read timeouts plus a total one (so a drip-feeding server cannot hold us), redirects (followed
by hand, every hop re-checked by the guard), JSON nesting depth.

:meth:`Fetcher.fetch_document` enforces the ActivityPub §3.2 media types and the origin rule
of ActivityPub §3.1 / the FEP-fe34 same-origin policy: a document is accepted only from the URL
equal to its ``id``; otherwise it is fetched once more from its ``id``, where it must match.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urldefrag, urljoin

import httpx
import orjson

from federation.addresses import IPNetwork
from federation.auth import Clock, DoubleKnockAuth, InMemorySchemeMemory, SignatureSchemeMemory
from federation.auth import utc_now as default_clock
from federation.errors import (
    Blocked,
    FetchError,
    FetchTimeout,
    Gone,
    InvalidURL,
    NotAnObject,
    NotFound,
    RefusedURL,
    TooLarge,
    TooManyRedirects,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)
from federation.keys import PrivateKey, load_private_key
from federation.origins import MAX_URL_LENGTH, Origin, parse_origin
from federation.transport import GuardedTransport
from federation.vocabulary.constants import ACCEPT_AS2, is_as2_media_type

#: ``host_filter(authority)``: may we talk to this ``host[:port]`` at all (instance policy)?
HostFilter = Callable[[str], Awaitable[bool]]

ACCEPT_JSON = "application/json"
ACCEPT_JRD = "application/jrd+json, application/json"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits and identity of outgoing fetches (defaults suit a small instance)."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    max_body_bytes: int = 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 3
    max_json_depth: int = 64
    user_agent: str = "fediverse (+federation)"


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """The key our GETs are signed with: the instance (application) actor's (FEP-2677)."""

    key_id: str
    private_key: PrivateKey

    @classmethod
    def from_pem(cls, key_id: str, private_pem: str) -> SigningIdentity:
        """Load our own stored key (skipping RSA validation: we generated it)."""
        return cls(key_id, load_private_key(private_pem, trusted=True))


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A fetched JSON object, the URL it finally came from, and its exact bytes."""

    url: str
    json: dict[str, Any]
    raw: bytes
    content_type: str


class Fetcher:
    """Fetches AS2 documents and plain JSON through one guarded, signing client."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        signer: SigningIdentity | None = None,
        *,
        scheme_memory: SignatureSchemeMemory | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = default_clock,
        host_filter: HostFilter | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        # the caller's instance policy, asked before every request and redirect hop
        self._host_filter = host_filter
        self._auth: httpx.Auth | None = None
        if signer is not None:
            memory = scheme_memory or InMemorySchemeMemory()
            self._auth = DoubleKnockAuth(signer.key_id, signer.private_key, memory, clock=clock)
        self._client = httpx.AsyncClient(
            transport=transport or GuardedTransport(allowed=self.settings.allowed_networks),
            timeout=httpx.Timeout(
                self.settings.read_timeout, connect=self.settings.connect_timeout
            ),
            follow_redirects=False,
            trust_env=False,  # an HTTP(S)_PROXY from the environment would bypass the guard
            headers={"User-Agent": self.settings.user_agent},
            # httpx parses a redirect's Location even when it does not follow it, and raises
            # its own errors on what it cannot parse: ours judges the Location first
            event_hooks={"response": [_check_redirect]},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client and its connection pools."""
        await self._client.aclose()

    async def fetch_document(self, url: str) -> FetchedDocument:
        """Fetch an AS2 object whose ``id`` is the URL it is served from.

        If the ``id`` differs from the final URL, fetch once more from the ``id``; that copy
        must then match. Raises a :class:`~federation.errors.FetchError` subclass.
        """
        checked_origin(url)
        document = await self._fetch_as2(urldefrag(url).url)
        claimed = document.json.get("id")
        if not isinstance(claimed, str):
            raise NotAnObject("document has no id", url=document.url)
        if claimed == document.url:
            return document
        checked_origin(claimed)
        again = await self._fetch_as2(urldefrag(claimed).url)
        if again.json.get("id") != again.url:
            raise NotAnObject(
                "id does not match its URL", url=again.url, detail=str(again.json.get("id"))
            )
        return again

    async def fetch_json(self, url: str, accept: str = ACCEPT_JSON) -> FetchedDocument:
        """Fetch a JSON object that is not AS2 (WebFinger JRD, NodeInfo): same guard and
        limits, a JSON media type required, no ``id`` check."""
        final_url, content_type, body = await self._get(url, accept)
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise NotAnObject("not a JSON content type", url=final_url, detail=content_type)
        return FetchedDocument(final_url, self._decode(body, final_url), body, content_type)

    async def _fetch_as2(self, url: str) -> FetchedDocument:
        final_url, content_type, body = await self._get(url, ACCEPT_AS2)
        if not is_as2_media_type(content_type):
            raise NotAnObject("not an AS2 content type", url=final_url, detail=content_type)
        return FetchedDocument(final_url, self._decode(body, final_url), body, content_type)

    async def _get(self, url: str, accept: str) -> tuple[str, str, bytes]:
        """GET with redirects followed by hand, all within the total timeout."""
        current = url
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                for _hop in range(self.settings.max_redirects + 1):
                    origin = checked_origin(current)
                    await self._check_host(origin, current)
                    location, content_type, body = await self._hop(current, accept)
                    if location is None:
                        return current, content_type, body
                    current = redirect_target(current, location)
        except TimeoutError as exc:
            raise FetchTimeout("total timeout", url=current) from exc
        raise TooManyRedirects("too many redirects", url=current)

    async def _check_host(self, origin: Origin, url: str) -> None:
        if self._host_filter is not None and not await self._host_filter(origin.authority):
            raise Blocked("this server does not federate with that host", url=url)

    async def _hop(self, url: str, accept: str) -> tuple[str | None, str, bytes]:
        """One request: ``(redirect target, "", b"")`` or ``(None, content type, body)``.

        Every failure of the peer (its status, its bytes, its connection, its encoding) is a
        :class:`~federation.errors.FetchError`; nothing else escapes.
        """
        request = self._client.build_request("GET", url, headers={"Accept": accept})
        auth = self._auth or httpx.USE_CLIENT_DEFAULT
        try:
            response = await self._client.send(request, auth=auth, stream=True)
            try:
                if response.is_redirect:
                    return response.headers.get("location", ""), "", b""
                _raise_for_status(response.status_code, url)
                body = await _read_limited(response, self.settings.max_body_bytes, url)
                return None, response.headers.get("content-type", ""), body
            finally:
                await response.aclose()
        except httpx.TimeoutException as exc:
            raise FetchTimeout(type(exc).__name__, url=url) from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise RefusedURL("unsupported URL", url=url, detail=str(exc)) from exc
        except httpx.DecodingError as exc:
            raise NotAnObject("undecodable body", url=url, detail=str(exc)) from exc
        except httpx.HTTPError as exc:  # connection, protocol and stream errors
            raise Unavailable("connection failed", url=url, detail=str(exc)) from exc

    def _decode(self, body: bytes, url: str) -> dict[str, Any]:
        if has_nul_escape(body):
            raise NotAnObject("a NUL character in JSON", url=url)
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise NotAnObject("not JSON", url=url, detail=str(exc)) from exc
        if not isinstance(value, dict):
            raise NotAnObject("not a JSON object", url=url)
        if json_depth(value) > self.settings.max_json_depth:
            raise NotAnObject("JSON nested too deep", url=url)
        return value


def has_nul_escape(body: bytes) -> bool:
    """Whether JSON text may hold a NUL character (``\\u0000``; JSON has no other way to
    write one). No AS2 document needs one, and PostgreSQL can store none in ``text`` or
    ``jsonb``: refused at the edge rather than failing deep inside a store."""
    return b"\\u0000" in body


def json_depth(value: Any) -> int:
    """Nesting depth of a decoded JSON value (scalars 0, ``{}`` 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def checked_origin(url: str) -> Origin:
    """The origin of a URL we may fetch (:mod:`federation.origins`), else :class:`RefusedURL`.

    httpx must read the URL's host as we do: a URL the two parsers disagree on is refused.
    """
    try:
        origin = parse_origin(url)
        host = httpx.URL(url).host.removesuffix(".")
    except InvalidURL as exc:
        raise RefusedURL(exc.reason, url=url[:MAX_URL_LENGTH]) from None
    except (httpx.InvalidURL, ValueError) as exc:
        raise RefusedURL("malformed URL", url=url, detail=str(exc)) from None
    if host != origin.host:
        raise RefusedURL("ambiguous host", url=url, detail=f"{host} or {origin.host}")
    return origin


async def _check_redirect(response: httpx.Response) -> None:
    """Refuse a redirect to anything but an http(s) URL we accept, before httpx reads it."""
    if response.is_redirect:
        target = redirect_target(str(response.request.url), response.headers["location"])
        checked_origin(target)


def redirect_target(url: str, location: str) -> str:
    """Where a redirect from ``url`` leads (RFC 9110 §10.2.2); :class:`RefusedURL` when the
    ``Location`` is empty or malformed. The target is checked again before it is fetched."""
    if not location.strip():
        raise RefusedURL("redirect without a Location", url=url)
    try:
        return urldefrag(urljoin(url, location.strip())).url
    except ValueError as exc:
        raise RefusedURL("malformed redirect Location", url=url, detail=str(exc)) from None


def _raise_for_status(status: int, url: str) -> None:
    if 200 <= status < 300:
        return
    error: type[FetchError] = UnexpectedStatus
    if status == 410:
        error = Gone
    elif status == 404:
        error = NotFound
    elif status in (401, 403):
        error = Unauthorized
    elif status == 429 or status >= 500:
        error = Unavailable
    raise error(f"status {status}", url=url, status=status)


async def _read_limited(response: httpx.Response, limit: int, url: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"Content-Length {declared} over {limit}", url=url)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"body over {limit} bytes", url=url)
        chunks.append(chunk)
    return b"".join(chunks)
