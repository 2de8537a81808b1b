"""The inbox worker's back-off: the delivery queue's curve (federation.delivery), not its own."""

from __future__ import annotations

from federation.delivery import compute_backoff
from inbox.worker import InboxWorkerSettings, retry_delay


def test_retries_follow_the_federation_curve() -> None:
    for attempts in range(1, InboxWorkerSettings().max_attempts):
        fastest = compute_backoff(attempts, 0.0).total_seconds()
        slowest = compute_backoff(attempts, 0.999).total_seconds()
        assert fastest <= retry_delay(attempts) <= slowest


def test_the_first_retry_comes_after_fifteen_seconds_or_so() -> None:
    assert 15 <= retry_delay(1) < 25
