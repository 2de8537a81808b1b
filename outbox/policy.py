"""What to do after one delivery attempt: a pure function of what the attempt got.

``federation.delivery.classify_delivery`` is planned on the federation branch; until it lands
this module is the policy (the worker imports only :func:`classify_attempt`, so swapping is one
line). The table (docs/delivery.md has the same one):

=================================  ==========  =============================================
what the attempt got               verdict     next
=================================  ==========  =============================================
2xx                                delivered   —
410                                gone        no more deliveries to that inbox
429, 503                           retry       at ``Retry-After`` (host paused until then),
                                               else back-off
408, other 5xx, timeout,           retry       back-off; counts as a host failure
connection error
401                                retry       back-off, at most ``UNAUTHORIZED_ATTEMPTS``
                                               attempts (the receiver may fetch our key late)
other 4xx, 3xx, refused address    rejected    —
retry past ``max_attempts``        expired     —
=================================  ==========  =============================================

The back-off is Sidekiq's default, which Mastodon's delivery jobs use
(``sidekiq/sidekiq`` ``lib/sidekiq/job_retry.rb``, ``delay_for``: ``count**4 + 15 +
rand(10) * (count + 1)`` seconds): 16 retries reach about 2.1 days, 2.2 with jitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

#: 1 attempt + 16 retries, as Mastodon's delivery jobs (``retry: 16`` before 4.x).
MAX_ATTEMPTS = 17
#: A 401 is retried this many attempts in all: keys may be fetched late by the receiver.
UNAUTHORIZED_ATTEMPTS = 3
#: ``Retry-After`` values are honoured up to this far ahead.
MAX_RETRY_AFTER = timedelta(days=1)
MIN_RETRY_AFTER = timedelta(seconds=1)


class Failure(StrEnum):
    """Why an attempt got no HTTP status at all."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    REFUSED_ADDRESS = "refused_address"
    PROTOCOL = "protocol"


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"
    REJECTED = "rejected"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST got: a status (with its ``Retry-After``), or a failure without one."""

    status: int | None = None
    failure: Failure | None = None
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    reason: str
    retry_at: datetime | None = None
    #: counts towards the host's circuit breaker and failing days
    host_failed: bool = False
    #: the whole host asked us to wait (429/503 with ``Retry-After``)
    host_paused_until: datetime | None = None

    @property
    def state(self) -> str:
        """The ``deliveries.state`` this outcome leaves the row in."""
        return _STATES[self.verdict]


_STATES = {
    Verdict.DELIVERED: "delivered",
    Verdict.RETRY: "queued",
    Verdict.GONE: "rejected",
    Verdict.REJECTED: "rejected",
    Verdict.EXPIRED: "failed",
}


def backoff_delay(attempts: int, jitter: float) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones; ``jitter`` is in [0, 1)."""
    count = max(attempts - 1, 0)
    return timedelta(seconds=count**4 + 15 + int(jitter * 10) * (count + 1))


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """``Retry-After`` (RFC 9110 §10.2.3: seconds or an HTTP date), clamped; else ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        wait = timedelta(seconds=int(value))
    else:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        wait = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - now
    return now + min(max(wait, MIN_RETRY_AFTER), MAX_RETRY_AFTER)


def classify_attempt(
    attempt: Attempt,
    attempts: int,
    now: datetime,
    *,
    jitter: float,
    max_attempts: int = MAX_ATTEMPTS,
) -> Outcome:
    """The verdict on an attempt; ``attempts`` counts every attempt so far, this one included."""
    status = attempt.status
    if status is None:
        if attempt.failure is Failure.REFUSED_ADDRESS:
            return Outcome(Verdict.REJECTED, "refused address")
        reason = str(attempt.failure or Failure.CONNECTION)
        return _retry(reason, attempts, now, jitter, max_attempts, host_failed=True)
    if 200 <= status < 300:
        return Outcome(Verdict.DELIVERED, str(status))
    if status == 410:
        return Outcome(Verdict.GONE, "410 gone")
    if status in (429, 503):
        retry_at = parse_retry_after(attempt.retry_after, now)
        if retry_at is not None:
            outcome = _retry(
                str(status), attempts, now, jitter, max_attempts, host_failed=status == 503
            )
            if outcome.verdict is Verdict.RETRY:
                return Outcome(
                    Verdict.RETRY, outcome.reason, retry_at, outcome.host_failed, retry_at
                )
            return outcome
        return _retry(str(status), attempts, now, jitter, max_attempts, host_failed=status == 503)
    if status == 408 or status >= 500:
        return _retry(str(status), attempts, now, jitter, max_attempts, host_failed=True)
    if status == 401:
        limit = min(max_attempts, UNAUTHORIZED_ATTEMPTS)
        return _retry("401 unauthorized", attempts, now, jitter, limit, host_failed=False)
    return Outcome(Verdict.REJECTED, f"{status} refused")


def _retry(
    reason: str, attempts: int, now: datetime, jitter: float, limit: int, *, host_failed: bool
) -> Outcome:
    if attempts >= limit:
        return Outcome(
            Verdict.EXPIRED, f"{reason}; gave up after {attempts} attempts", None, host_failed
        )
    return Outcome(Verdict.RETRY, reason, now + backoff_delay(attempts, jitter), host_failed)
