"""The signed POST of one delivery, as the bytes the lean client
(:mod:`federation.delivery_client`) writes.

The draft-cavage ``Signature`` covers ``(request-target) host date digest`` and is made by
:func:`federation.cavage.build_signature_header`, the builder ``sign_headers`` uses too; the
RFC 9421 headers come from :func:`federation.rfc9421.sign_rfc9421`. What this module adds is
cost control on the hot path: it formats the request head itself, the body and its ``Digest``
are prepared once per activity (:class:`PreparedActivity`), the loaded key object is kept per
sender (:class:`SigningKey`), the ``Date`` text is made once per second, and
:func:`sign_requests` signs a whole chunk of deliveries in one call, meant to run in a worker
thread (RSA signing releases the GIL).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from federation.cavage import build_signature_header
from federation.digest import compute_digest_header
from federation.headers import split_target
from federation.httpdate import format_http_date
from federation.keys import PrivateKey
from federation.rfc9421 import sign_rfc9421

COVERED = ("(request-target)", "host", "date", "digest")
CONTENT_TYPE = "application/activity+json"
USER_AGENT = "fediverse (+https://github.com/fediverse)"


@dataclass(frozen=True, slots=True)
class PreparedActivity:
    """An activity's body as sent, with its digest computed once."""

    uri: str
    body: bytes
    digest: str

    @classmethod
    def from_body(cls, uri: str, body: str) -> PreparedActivity:
        data = body.encode("utf-8")
        return cls(uri, data, compute_digest_header(data))


@dataclass(frozen=True, slots=True)
class SigningKey:
    key_id: str
    private_key: PrivateKey


@dataclass(frozen=True, slots=True)
class PendingRequest:
    """What :func:`sign_requests` needs for one delivery: where, what, with which key."""

    host_header: str
    target: str
    activity: PreparedActivity
    key: SigningKey
    # "cavage" (draft-cavage-12) or "rfc9421" (HTTP Message Signatures)
    scheme: str = "cavage"
    url: str = ""


class _DateCache:
    def __init__(self) -> None:
        self.second = -1
        self.text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self.second:
            self.second = second
            self.text = format_http_date(datetime.fromtimestamp(second, UTC))
        return self.text


_dates = _DateCache()


def host_header_of(url: str) -> str:
    return split_target(url)[0]


def sign_request(pending: PendingRequest, date: str | None = None) -> bytes:
    """The complete request (head and body) of one signed delivery."""
    date = date or _dates.now()
    if pending.scheme == "rfc9421":
        return _sign_rfc9421(pending, date)
    activity, key = pending.activity, pending.key
    headers = {"host": pending.host_header, "date": date, "digest": activity.digest}
    signature = build_signature_header(
        "POST", pending.target, headers, COVERED, key.key_id, key.private_key
    )
    head = (
        f"POST {pending.target} HTTP/1.1\r\n"
        f"Host: {pending.host_header}\r\n"
        f"Date: {date}\r\n"
        f"Digest: {activity.digest}\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\n"
        f"Content-Length: {len(activity.body)}\r\n"
        f"User-Agent: {USER_AGENT}\r\n"
        f"Signature: {signature}\r\n\r\n"
    )
    return head.encode("latin-1") + activity.body


def _sign_rfc9421(pending: PendingRequest, date: str) -> bytes:
    """RFC 9421 over ``@method @target-uri content-digest`` (as Mastodon 4.5 and Fedify)."""
    activity, key = pending.activity, pending.key
    now = datetime.now(UTC)
    added = sign_rfc9421("POST", pending.url, activity.body, key.key_id, key.private_key, now)
    lines = "".join(f"{name}: {value}\r\n" for name, value in added.items())
    head = (
        f"POST {pending.target} HTTP/1.1\r\n"
        f"Host: {pending.host_header}\r\n"
        f"Date: {date}\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\n"
        f"Content-Length: {len(activity.body)}\r\n"
        f"User-Agent: {USER_AGENT}\r\n"
        f"{lines}\r\n"
    )
    return head.encode("latin-1") + activity.body


def sign_requests(batch: list[PendingRequest]) -> list[bytes]:
    """Sign a chunk of deliveries (run it in a thread: the RSA work releases the GIL)."""
    date = _dates.now()
    return [sign_request(pending, date) for pending in batch]
