"""What to do after sending an activity: a pure outcome table.

ActivityPub §7.1 leaves retries to the sender. We follow Mastodon: 16 retries
(``mastodon/mastodon`` ``app/workers/activitypub/delivery_worker.rb``,
``sidekiq_options retry: 16``) spaced by Sidekiq's default formula
``(count ** 4) + 15 + rand(10) * (count + 1)`` plus Mastodon's extra jitter
``rand(0.5 * count ** 4)`` (its ``sidekiq_retry_in``): about 2.6 days in all on average.
``Retry-After`` (RFC 9110 §10.2.3: seconds or an HTTP-date) is honoured for 429 and 503,
capped. The jitter is an argument, so the table is a pure function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import Enum

import httpx

from federation.errors import FetchTimeout, RefusedAddress, TooLarge, Unavailable

#: Retries after the first attempt (Mastodon's ``retry: 16``).
MAX_RETRIES = 16
#: 401 may mean the receiver has not fetched our key yet: retry this many attempts in all.
MAX_UNAUTHORIZED_ATTEMPTS = 3
#: The longest a ``Retry-After`` may push a delivery back.
MAX_RETRY_AFTER = timedelta(hours=6)


class DeliveryKind(Enum):
    """The four things a delivery attempt can lead to."""

    DELIVERED = "delivered"
    GONE = "gone"
    RETRY = "retry"
    PERMANENT = "permanent"


class DeliveryErrorKind(Enum):
    """Transport failures, as far as the outcome table cares."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    REFUSED_ADDRESS = "refused_address"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What to do next; ``retry_at`` is set for ``RETRY`` only."""

    kind: DeliveryKind
    reason: str
    retry_at: datetime | None = None


def error_kind_of(error: BaseException) -> DeliveryErrorKind:
    """Classify an exception raised while sending (httpx or ours)."""
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
) -> DeliveryOutcome:
    """Decide what follows attempt number ``attempt`` (1-based) of a delivery.

    2xx delivered; 410 gone; 429/503 retry after ``Retry-After`` (capped; back-off when
    absent); 408, other 5xx, timeouts and connection errors retry with back-off; 401 retries
    until attempt 3, then permanent; other statuses permanent; a refused address or a
    too-large exchange is permanent. After the last retry everything retryable is permanent.
    """
    if status is None and error is None:
        raise ValueError("either a status or an error is needed")
    if error is not None:
        if error in (DeliveryErrorKind.REFUSED_ADDRESS, DeliveryErrorKind.TOO_LARGE):
            return DeliveryOutcome(DeliveryKind.PERMANENT, error.value)
        return _retry(error.value, attempt, now, jitter, None)
    assert status is not None
    if 200 <= status < 300:
        return DeliveryOutcome(DeliveryKind.DELIVERED, f"status {status}")
    if status == 410:
        return DeliveryOutcome(DeliveryKind.GONE, "status 410")
    if status in (429, 503):
        delay = parse_retry_after(_header(headers, "retry-after"), now)
        return _retry(f"status {status}", attempt, now, jitter, delay)
    if status == 408 or status >= 500:
        return _retry(f"status {status}", attempt, now, jitter, None)
    if status == 401 and attempt < MAX_UNAUTHORIZED_ATTEMPTS:
        return _retry("status 401", attempt, now, jitter, None)
    return DeliveryOutcome(DeliveryKind.PERMANENT, f"status {status}")


def _retry(
    reason: str, attempt: int, now: datetime, jitter: float, delay: timedelta | None
) -> DeliveryOutcome:
    if attempt > MAX_RETRIES:
        return DeliveryOutcome(DeliveryKind.PERMANENT, f"{reason}; gave up after {attempt}")
    wait = min(delay, MAX_RETRY_AFTER) if delay is not None else compute_backoff(attempt, jitter)
    return DeliveryOutcome(DeliveryKind.RETRY, reason, now + wait)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
