"""The outcome policy, one row per case of the table in outbox/policy.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outbox.policy import (
    MAX_ATTEMPTS,
    Attempt,
    Failure,
    Verdict,
    backoff_delay,
    classify_attempt,
    parse_retry_after,
)

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempt", "attempts", "verdict", "host_failed"),
    [
        (Attempt(status=200), 1, Verdict.DELIVERED, False),
        (Attempt(status=202), 5, Verdict.DELIVERED, False),
        (Attempt(status=410), 1, Verdict.GONE, False),
        (Attempt(status=429), 1, Verdict.RETRY, False),
        (Attempt(status=503), 1, Verdict.RETRY, True),
        (Attempt(status=500), 1, Verdict.RETRY, True),
        (Attempt(status=502), 16, Verdict.RETRY, True),
        (Attempt(status=502), MAX_ATTEMPTS, Verdict.EXPIRED, True),
        (Attempt(status=408), 1, Verdict.RETRY, True),
        (Attempt(failure=Failure.TIMEOUT), 1, Verdict.RETRY, True),
        (Attempt(failure=Failure.CONNECTION), 3, Verdict.RETRY, True),
        (Attempt(failure=Failure.PROTOCOL), 1, Verdict.RETRY, True),
        (Attempt(failure=Failure.REFUSED_ADDRESS), 1, Verdict.REJECTED, False),
        (Attempt(status=401), 1, Verdict.RETRY, False),
        (Attempt(status=401), 2, Verdict.RETRY, False),
        (Attempt(status=401), 3, Verdict.EXPIRED, False),
        (Attempt(status=400), 1, Verdict.REJECTED, False),
        (Attempt(status=403), 1, Verdict.REJECTED, False),
        (Attempt(status=404), 1, Verdict.REJECTED, False),
        (Attempt(status=422), 1, Verdict.REJECTED, False),
        (Attempt(status=301), 1, Verdict.REJECTED, False),
    ],
)
def test_verdicts(attempt: Attempt, attempts: int, verdict: Verdict, host_failed: bool) -> None:
    outcome = classify_attempt(attempt, attempts, NOW, jitter=0.5)
    assert outcome.verdict is verdict
    assert outcome.host_failed is host_failed
    assert (outcome.retry_at is not None) is (verdict is Verdict.RETRY)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_sets_the_retry_and_pauses_the_host(status: int) -> None:
    outcome = classify_attempt(Attempt(status=status, retry_after="120"), 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(seconds=120)
    assert outcome.host_paused_until == NOW + timedelta(seconds=120)


def test_retry_after_as_a_date_and_clamped() -> None:
    assert parse_retry_after("Wed, 01 Jan 2025 12:05:00 GMT", NOW) == NOW + timedelta(minutes=5)
    assert parse_retry_after("0", NOW) == NOW + timedelta(seconds=1)
    assert parse_retry_after("99999999", NOW) == NOW + timedelta(days=1)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_429_without_retry_after_backs_off() -> None:
    outcome = classify_attempt(Attempt(status=429), 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(seconds=15)
    assert outcome.host_paused_until is None


def test_backoff_grows_and_reaches_over_two_days() -> None:
    delays = [backoff_delay(n, 0.0) for n in range(1, MAX_ATTEMPTS)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(seconds=15)
    total = sum(delays, timedelta())
    assert timedelta(days=2) < total < timedelta(days=2.2)
    with_jitter = sum((backoff_delay(n, 0.999) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert with_jitter - total == timedelta(seconds=9 * sum(range(1, MAX_ATTEMPTS)))


def test_outcome_states() -> None:
    assert classify_attempt(Attempt(status=200), 1, NOW, jitter=0).state == "delivered"
    assert classify_attempt(Attempt(status=500), 1, NOW, jitter=0).state == "queued"
    assert classify_attempt(Attempt(status=410), 1, NOW, jitter=0).state == "rejected"
    assert classify_attempt(Attempt(status=400), 1, NOW, jitter=0).state == "rejected"
    assert classify_attempt(Attempt(status=500), 17, NOW, jitter=0).state == "failed"
