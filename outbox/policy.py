"""What the delivery worker does after one attempt: the pure outcome table of
:func:`federation.delivery.classify_delivery`, plus what the queue needs on top of it.

``federation.delivery`` decides delivered / gone / retry (when) / permanent, with Mastodon's
retry schedule (16 retries, about 2.6 days). This module adds the worker's view: ``expired``
once the configured attempts are used up, and the per-host signals — whether the attempt
counts against the host's circuit breaker and failing days, and whether the host asked us to
wait (429/503 with ``Retry-After``). docs/delivery.md has the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from federation.delivery import (
    MAX_RETRIES,
    DeliveryErrorKind,
    DeliveryKind,
    classify_delivery,
)

#: 1 attempt + 16 retries, as Mastodon's delivery jobs (``retry: 16``).
MAX_ATTEMPTS = MAX_RETRIES + 1


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


_ERROR_KINDS = {
    Failure.TIMEOUT: DeliveryErrorKind.TIMEOUT,
    Failure.CONNECTION: DeliveryErrorKind.CONNECTION,
    Failure.PROTOCOL: DeliveryErrorKind.CONNECTION,
    Failure.REFUSED_ADDRESS: DeliveryErrorKind.REFUSED_ADDRESS,
}


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
    error = None if status is not None else _ERROR_KINDS[attempt.failure or Failure.CONNECTION]
    headers = {"retry-after": attempt.retry_after} if attempt.retry_after else {}
    decided = classify_delivery(status, error, headers, attempts, now, jitter)
    host_failed = status is None and error is not DeliveryErrorKind.REFUSED_ADDRESS
    host_failed = host_failed or status == 408 or (status is not None and status >= 500)
    if decided.kind is DeliveryKind.DELIVERED:
        return Outcome(Verdict.DELIVERED, decided.reason)
    if decided.kind is DeliveryKind.GONE:
        return Outcome(Verdict.GONE, decided.reason)
    retryable = classify_delivery(status, error, headers, 1, now, jitter).kind is DeliveryKind.RETRY
    if decided.kind is DeliveryKind.PERMANENT:
        verdict = Verdict.EXPIRED if retryable else Verdict.REJECTED
        return Outcome(verdict, decided.reason, None, host_failed)
    if attempts >= max_attempts:
        return Outcome(Verdict.EXPIRED, f"{decided.reason}; gave up after {attempts} attempts",
                       None, host_failed)  # fmt: skip
    paused = decided.retry_at if status in (429, 503) and attempt.retry_after else None
    return Outcome(Verdict.RETRY, decided.reason, decided.retry_at, host_failed, paused)
