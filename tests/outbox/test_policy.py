"""The outcome policy, one row per case of the table in outbox/policy.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outbox.policy import MAX_ATTEMPTS, Attempt, Failure, Verdict, classify_attempt

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


def test_429_without_retry_after_backs_off() -> None:
    outcome = classify_attempt(Attempt(status=429), 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(seconds=15)
    assert outcome.host_paused_until is None


def test_a_retry_after_date_is_honoured() -> None:
    outcome = classify_attempt(
        Attempt(status=503, retry_after="Wed, 01 Jan 2025 12:05:00 GMT"), 1, NOW, jitter=0
    )
    assert outcome.retry_at == NOW + timedelta(minutes=5)


def test_the_configured_attempts_cap_the_retries() -> None:
    outcome = classify_attempt(Attempt(status=500), 3, NOW, jitter=0, max_attempts=3)
    assert outcome.verdict is Verdict.EXPIRED


def test_outcome_states() -> None:
    assert classify_attempt(Attempt(status=200), 1, NOW, jitter=0).state == "delivered"
    assert classify_attempt(Attempt(status=500), 1, NOW, jitter=0).state == "queued"
    assert classify_attempt(Attempt(status=410), 1, NOW, jitter=0).state == "rejected"
    assert classify_attempt(Attempt(status=400), 1, NOW, jitter=0).state == "rejected"
    assert classify_attempt(Attempt(status=500), 17, NOW, jitter=0).state == "failed"
