"""What to do after sending an activity: the one pure outcome table of deliveries.

ActivityPub §7.1 leaves retries to the sender. We follow Mastodon: 16 retries
(``mastodon/mastodon`` ``app/workers/activitypub/delivery_worker.rb``,
``sidekiq_options retry: 16``) spaced by Sidekiq's default formula
``(count ** 4) + 15 + rand(10) * (count + 1)`` plus Mastodon's extra jitter
``rand(0.5 * count ** 4)`` (its ``sidekiq_retry_in``): about 2.6 days in all on average.
``Retry-After`` (RFC 9110 §10.2.3: seconds or an HTTP-date) is honoured for 429 and 503,
capped, and then pauses the whole host. Whether an attempt counts against the host (its
circuit breaker and failing days, Mastodon's ``DeliveryFailureTracker``) is part of the
answer. The jitter is an argument, so the table is a pure function; the inbox queue retries
on the same curve (:func:`compute_backoff`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from federation.errors import (
    DeliveryError,
    DeliveryErrorKind,
    FetchTimeout,
    RefusedAddress,
    TooLarge,
    Unavailable,
)

#: Retries after the first attempt (Mastodon's ``retry: 16``).
MAX_RETRIES = 16
#: 1 attempt + 16 retries: the most attempts a delivery gets (a setting may give fewer).
MAX_ATTEMPTS = MAX_RETRIES + 1
#: 401 may mean the receiver has not fetched our key yet: retry this many attempts in all.
MAX_UNAUTHORIZED_ATTEMPTS = 3
#: The longest a ``Retry-After`` may push a delivery back.
MAX_RETRY_AFTER = timedelta(hours=6)
#: Failures without a status that mean "not now", not "never".
_PASSING_ERRORS = frozenset(
    {DeliveryErrorKind.TIMEOUT, DeliveryErrorKind.CONNECTION, DeliveryErrorKind.PROTOCOL}
)


class Verdict(StrEnum):
    """What one delivery attempt leads to."""

    DELIVERED = "delivered"
    #: 410: the inbox is gone for good
    GONE = "gone"
    RETRY = "retry"
    #: refused for good (other 4xx, 3xx, a refused address)
    REJECTED = "rejected"
    #: retryable, but the attempts are used up
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """The verdict on an attempt; ``retry_at`` is set for ``RETRY`` only."""

    verdict: Verdict
    reason: str
    retry_at: datetime | None = None
    #: counts towards the host's circuit breaker and failing days
    host_failed: bool = False
    #: the whole host asked us to wait (429/503 with ``Retry-After``)
    host_paused_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Retryable:
    """An attempt worth trying again, before the attempt count has its say."""

    reason: str
    host_failed: bool
    #: the ``Retry-After`` delay, when one was sent and usable
    delay: timedelta | None = None
    #: the host sent a ``Retry-After`` (usable or not): it asks the whole host to wait
    asked: bool = False


def error_kind_of(error: BaseException) -> DeliveryErrorKind:
    """Classify an exception raised while sending (httpx or ours)."""
    if isinstance(error, DeliveryError):
        return error.kind
    if isinstance(error, RefusedAddress):
        return DeliveryErrorKind.REFUSED_ADDRESS
    if isinstance(error, TooLarge):
        return DeliveryErrorKind.TOO_LARGE
    if isinstance(error, httpx.TimeoutException | FetchTimeout | TimeoutError):
        return DeliveryErrorKind.TIMEOUT
    if isinstance(error, httpx.TransportError | Unavailable | OSError):
        return DeliveryErrorKind.CONNECTION
    raise TypeError(f"not a delivery failure: {type(error).__name__}")


def compute_backoff(attempt: int, jitter: float) -> timedelta:
    """Delay after failed ``attempt`` (1-based): Sidekiq's formula with ``count = attempt - 1``
    and Mastodon's jitter, ``jitter`` in [0, 1) standing for both ``rand`` draws."""
    count = max(attempt - 1, 0)
    base = count**4 + 15
    spread = jitter * 0.5 * count**4 + int(jitter * 10) * (count + 1)
    return timedelta(seconds=base + spread)


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as a delay from ``now`` (never negative), or ``None`` if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(moment - now, timedelta(0))


def classify_delivery(
    status: int | None,
    error: DeliveryErrorKind | None,
    headers: Mapping[str, str],
    attempt: int,
    now: datetime,
    jitter: float = 0.5,
    *,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryOutcome:
    """Decide what follows attempt number ``attempt`` (1-based, this one included).

    2xx delivered; 410 gone; 429/503 retry after ``Retry-After`` (capped; back-off when
    absent) and pause the host; 408, other 5xx, timeouts, connection errors and unreadable
    answers retry with back-off and count against the host; 401 retries until attempt 3, then
    expires; other statuses, a refused address or a too-large exchange are rejected. Once
    ``max_attempts`` (at most :data:`MAX_ATTEMPTS`) are used, what would retry expires.
    """
    judged = _judge(status, error, headers, now)
    if isinstance(judged, DeliveryOutcome):
        return judged
    if status == 401 and attempt >= MAX_UNAUTHORIZED_ATTEMPTS:
        return DeliveryOutcome(Verdict.EXPIRED, judged.reason)
    if attempt >= min(max_attempts, MAX_ATTEMPTS):
        reason = f"{judged.reason}; gave up after {attempt} attempts"
        return DeliveryOutcome(Verdict.EXPIRED, reason, host_failed=judged.host_failed)
    delay = judged.delay
    wait = min(delay, MAX_RETRY_AFTER) if delay is not None else compute_backoff(attempt, jitter)
    retry_at = now + wait
    paused = retry_at if judged.asked else None
    return DeliveryOutcome(Verdict.RETRY, judged.reason, retry_at, judged.host_failed, paused)


def _judge(
    status: int | None,
    error: DeliveryErrorKind | None,
    headers: Mapping[str, str],
    now: datetime,
) -> DeliveryOutcome | _Retryable:
    """The table's row, before the attempt count: a final outcome, or a retryable one."""
    if error is not None:
        if error in _PASSING_ERRORS:
            return _Retryable(error.value, host_failed=True)
        return DeliveryOutcome(Verdict.REJECTED, error.value)
    if status is None:
        raise ValueError("either a status or an error is needed")
    reason = f"status {status}"
    if 200 <= status < 300:
        return DeliveryOutcome(Verdict.DELIVERED, reason)
    if status == 410:
        return DeliveryOutcome(Verdict.GONE, reason)
    if status in (429, 503):
        value = _header(headers, "retry-after")
        delay = parse_retry_after(value, now)
        return _Retryable(reason, status == 503, delay, asked=value is not None)
    if status == 408 or status >= 500:
        return _Retryable(reason, host_failed=True)
    if status == 401:
        return _Retryable(reason, host_failed=False)
    return DeliveryOutcome(Verdict.REJECTED, reason)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
