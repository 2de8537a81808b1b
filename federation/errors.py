"""The one exception root of ``federation`` and the typed fetch failures.

Expected verification failures are *values* (see :mod:`federation.reasons`); exceptions are
kept for failures of I/O and for misuse. The tree::

    FederationError                 reason, url, detail
    ├── InvalidKey                  a PEM we cannot load, or an unsupported key type
    ├── SigningError                a request we cannot sign (missing header, bad key type)
    ├── InvalidHandle               "@name@host" that is not one
    ├── VocabularyError             JSON that is not the Activity Streams 2.0 we expect
    │   └── InvalidURL              an id or URL that is not an http(s) URL we accept
    ├── ResolutionError             WebFinger / NodeInfo answered but without what we need
    ├── DeliveryError               a delivery POST that got no HTTP status: ``kind`` says why
    ├── UnownedKey                  a key whose claimed owner does not list it as its own
    └── FetchError                  a GET that did not yield a usable document
        ├── Gone                    410
        ├── NotFound                404
        ├── Unauthorized            401 / 403
        ├── Unavailable             5xx, 429, connection and TLS failures
        ├── UnexpectedStatus        any other non-2xx answer
        ├── NotAnObject             wrong content type, not a JSON object, too deep, id mismatch
        ├── RefusedAddress          SSRF guard: the host resolves to a refused address
        │   └── RefusedURL          a URL or redirect target we do not go to (scheme, userinfo…)
        ├── Blocked                 the caller's instance policy refuses the host
        ├── TooLarge                body past the byte limit
        ├── FetchTimeout            connect/read/total timeout
        └── TooManyRedirects        more hops than allowed

Every error carries a short machine-readable ``reason`` and, where it applies, the ``url``.
"""

from __future__ import annotations

from enum import StrEnum


class FederationError(Exception):
    """Root of every exception raised by :mod:`federation`."""

    def __init__(self, reason: str, *, url: str | None = None, detail: str | None = None) -> None:
        self.reason = reason
        self.url = url
        self.detail = detail
        parts = [reason]
        if url is not None:
            parts.append(f"url={url}")
        if detail:
            parts.append(detail)
        super().__init__(": ".join(parts))


class InvalidKey(FederationError):
    """A key that cannot be loaded or is of a type we do not support."""


class SigningError(FederationError):
    """A request that cannot be signed as asked (a programming error on our side)."""


class InvalidHandle(FederationError):
    """A string that is not an ``acct:`` handle (RFC 7565)."""


class VocabularyError(FederationError):
    """JSON that does not validate as the Activity Streams 2.0 type we expected."""


class InvalidURL(VocabularyError):
    """An id or URL that :mod:`federation.origins` does not accept (not http(s), userinfo,
    a malformed host or port, control characters, too long)."""


class UnownedKey(FederationError):
    """A key (or key document) whose claimed owner does not list that key id as its own."""


class ResolutionError(FederationError):
    """A discovery document (WebFinger JRD, NodeInfo) without the link or field we need."""


class DeliveryErrorKind(StrEnum):
    """Why a delivery attempt got no usable HTTP status: the error column of the outcome
    table (:func:`federation.delivery.classify_delivery`)."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    #: an answer that is not HTTP/1.1 we can parse, or a URL we cannot send to
    PROTOCOL = "protocol"
    REFUSED_ADDRESS = "refused_address"
    TOO_LARGE = "too_large"


class DeliveryError(FederationError):
    """A delivery POST that got no HTTP status (timeout, refused address, reset, …)."""

    def __init__(self, kind: DeliveryErrorKind, detail: str, *, url: str | None = None) -> None:
        super().__init__(kind, url=url, detail=detail)
        self.kind = kind


class FetchError(FederationError):
    """A GET of a remote resource that did not yield a usable document."""

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        detail: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason, url=url, detail=detail)
        self.status = status


class Gone(FetchError):
    """The remote answered 410: the resource was deleted and will not come back."""


class NotFound(FetchError):
    """The remote answered 404."""


class Unauthorized(FetchError):
    """The remote answered 401 or 403 (even after the double-knock)."""


class Unavailable(FetchError):
    """5xx, 429, or no usable connection: worth trying again later."""


class UnexpectedStatus(FetchError):
    """A non-2xx status that none of the other classes describes."""


class NotAnObject(FetchError):
    """The body is not an acceptable JSON object (type, shape, depth, or id)."""


class RefusedAddress(FetchError):
    """The SSRF guard refused an address the host resolved to."""

    def __init__(self, reason: str, *, url: str | None = None, address: str | None = None) -> None:
        super().__init__(reason, url=url, detail=f"address={address}" if address else None)
        self.address = address


class RefusedURL(RefusedAddress):
    """A URL we do not fetch: not an http(s) URL we accept (see :class:`InvalidURL`), or a
    redirect to one (``data:``, ``file:``, userinfo, a malformed ``Location``). A kind of
    refused address, so that whoever treats those as permanent treats these alike."""

    def __init__(self, reason: str, *, url: str | None = None, detail: str | None = None) -> None:
        FetchError.__init__(self, reason, url=url, detail=detail)
        self.address = None


class Blocked(FetchError):
    """The caller's instance policy refuses to talk to this host (a domain block)."""


class TooLarge(FetchError):
    """The body grew past the configured byte limit."""


class FetchTimeout(FetchError):
    """A connect, read or total timeout expired."""


class TooManyRedirects(FetchError):
    """More redirects than the configured maximum."""
