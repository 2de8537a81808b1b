"""The delivery outcome table, row by row (pure, fixed clock, fixed jitter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from federation.delivery import (
    MAX_ATTEMPTS,
    MAX_RETRIES,
    MAX_RETRY_AFTER,
    Verdict,
    classify_delivery,
    compute_backoff,
    error_kind_of,
    parse_retry_after,
)
from federation.errors import DeliveryError, DeliveryErrorKind, RefusedAddress, TooLarge

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
D, G, R = Verdict.DELIVERED, Verdict.GONE, Verdict.RETRY
# the table's old "permanent", now told apart: refused for good, or retries used up
REJ, EXP = Verdict.REJECTED, Verdict.EXPIRED
E = DeliveryErrorKind


@pytest.mark.parametrize(
    ("status", "error", "attempt", "kind"),
    [
        (200, None, 1, D),
        (202, None, 1, D),
        (204, None, 5, D),
        (410, None, 1, G),
        (429, None, 1, R),
        (503, None, 1, R),
        (408, None, 1, R),
        (500, None, 1, R),
        (502, None, 1, R),
        (504, None, 1, R),
        (401, None, 1, R),
        (401, None, 2, R),
        (401, None, 3, EXP),
        (400, None, 1, REJ),
        (403, None, 1, REJ),
        (404, None, 1, REJ),
        (405, None, 1, REJ),
        (413, None, 1, REJ),
        (422, None, 1, REJ),
        (301, None, 1, REJ),
        (None, E.TIMEOUT, 1, R),
        (None, E.CONNECTION, 1, R),
        (None, E.REFUSED_ADDRESS, 1, REJ),
        (None, E.TOO_LARGE, 1, REJ),
        (500, None, MAX_RETRIES, R),
        (500, None, MAX_RETRIES + 1, EXP),
        (None, E.TIMEOUT, MAX_RETRIES + 1, EXP),
        (429, None, MAX_RETRIES + 1, EXP),
    ],
)
def test_outcome_table(
    status: int | None, error: DeliveryErrorKind | None, attempt: int, kind: Verdict
) -> None:
    outcome = classify_delivery(status, error, {}, attempt, NOW, jitter=0.0)
    assert outcome.verdict is kind
    assert (outcome.retry_at is not None) is (kind is R)


def test_backoff_follows_sidekiq_and_mastodon() -> None:
    # count = attempt - 1; (count ** 4) + 15 with no jitter
    assert [compute_backoff(a, 0.0).total_seconds() for a in (1, 2, 3, 5)] == [15, 16, 31, 271]
    # full jitter: + 0.5 * count**4 * j + int(10 * j) * (count + 1)
    assert compute_backoff(3, 0.5).total_seconds() == 31 + 4 + 5 * 3


def test_sixteen_retries_span_about_two_and_a_half_days() -> None:
    total = sum((compute_backoff(a, 0.5) for a in range(1, MAX_RETRIES + 1)), timedelta())
    assert timedelta(days=2.4) < total < timedelta(days=2.8)
    fastest = sum((compute_backoff(a, 0.0) for a in range(1, MAX_RETRIES + 1)), timedelta())
    assert fastest > timedelta(days=2)


def test_retry_at_uses_backoff() -> None:
    outcome = classify_delivery(500, None, {}, 4, NOW, jitter=0.0)
    assert outcome.retry_at == NOW + timedelta(seconds=3**4 + 15)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", timedelta(seconds=120)),
        ("Sat, 01 Mar 2025 12:05:00 GMT", timedelta(minutes=5)),
        ("Sat, 01 Mar 2025 11:00:00 GMT", timedelta(0)),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_retry_after_is_honoured_for_429_and_503() -> None:
    for status in (429, 503):
        outcome = classify_delivery(status, None, {"Retry-After": "90"}, 1, NOW)
        assert outcome.retry_at == NOW + timedelta(seconds=90)


def test_retry_after_is_capped() -> None:
    outcome = classify_delivery(429, None, {"retry-after": str(10**7)}, 1, NOW)
    assert outcome.retry_at == NOW + MAX_RETRY_AFTER


def test_unusable_retry_after_falls_back_to_backoff() -> None:
    outcome = classify_delivery(503, None, {"Retry-After": "later"}, 2, NOW, jitter=0.0)
    assert outcome.retry_at == NOW + timedelta(seconds=16)


def test_retry_after_is_ignored_for_500() -> None:
    outcome = classify_delivery(500, None, {"Retry-After": "3600"}, 1, NOW, jitter=0.0)
    assert outcome.retry_at == NOW + timedelta(seconds=15)


def test_nothing_to_classify() -> None:
    with pytest.raises(ValueError, match="status or an error"):
        classify_delivery(None, None, {}, 1, NOW)


def test_error_kinds() -> None:
    request = httpx.Request("POST", "https://b.example/inbox")
    assert error_kind_of(httpx.ReadTimeout("t", request=request)) is E.TIMEOUT
    assert error_kind_of(httpx.ConnectError("c", request=request)) is E.CONNECTION
    assert error_kind_of(RefusedAddress("loopback", address="127.0.0.1")) is E.REFUSED_ADDRESS
    assert error_kind_of(TooLarge("big")) is E.TOO_LARGE
    with pytest.raises(TypeError):
        error_kind_of(ValueError("no"))


def test_a_delivery_error_carries_its_kind() -> None:
    assert error_kind_of(DeliveryError(E.PROTOCOL, "bad response")) is E.PROTOCOL


# -- what the queue needs: expiry, the host's failures, the host's pause ---------------------


@pytest.mark.parametrize(
    ("status", "error", "attempts", "verdict", "host_failed"),
    [
        (200, None, 1, D, False),
        (202, None, 5, D, False),
        (410, None, 1, G, False),
        (429, None, 1, R, False),
        (503, None, 1, R, True),
        (500, None, 1, R, True),
        (502, None, 16, R, True),
        (502, None, MAX_ATTEMPTS, EXP, True),
        (408, None, 1, R, True),
        (None, E.TIMEOUT, 1, R, True),
        (None, E.CONNECTION, 3, R, True),
        (None, E.PROTOCOL, 1, R, True),
        (None, E.REFUSED_ADDRESS, 1, REJ, False),
        (401, None, 1, R, False),
        (401, None, 2, R, False),
        (401, None, 3, EXP, False),
        (400, None, 1, REJ, False),
        (403, None, 1, REJ, False),
        (404, None, 1, REJ, False),
        (422, None, 1, REJ, False),
        (301, None, 1, REJ, False),
    ],
)
def test_verdicts_and_host_failures(
    status: int | None,
    error: DeliveryErrorKind | None,
    attempts: int,
    verdict: Verdict,
    host_failed: bool,
) -> None:
    outcome = classify_delivery(status, error, {}, attempts, NOW, jitter=0.5)
    assert outcome.verdict is verdict
    assert outcome.host_failed is host_failed
    assert (outcome.retry_at is not None) is (verdict is Verdict.RETRY)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_sets_the_retry_and_pauses_the_host(status: int) -> None:
    outcome = classify_delivery(status, None, {"retry-after": "120"}, 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(seconds=120)
    assert outcome.host_paused_until == NOW + timedelta(seconds=120)


def test_429_without_retry_after_backs_off() -> None:
    outcome = classify_delivery(429, None, {}, 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(seconds=15)
    assert outcome.host_paused_until is None


def test_a_retry_after_date_is_honoured() -> None:
    headers = {"retry-after": "Sat, 01 Mar 2025 12:05:00 GMT"}
    outcome = classify_delivery(503, None, headers, 1, NOW, jitter=0)
    assert outcome.retry_at == NOW + timedelta(minutes=5)


def test_the_configured_attempts_cap_the_retries() -> None:
    outcome = classify_delivery(500, None, {}, 3, NOW, jitter=0, max_attempts=3)
    assert outcome.verdict is Verdict.EXPIRED


def test_a_setting_above_mastodons_retries_does_not_raise_them() -> None:
    outcome = classify_delivery(500, None, {}, MAX_ATTEMPTS, NOW, jitter=0, max_attempts=30)
    assert outcome.verdict is Verdict.EXPIRED
