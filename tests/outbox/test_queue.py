"""The queue's pure parts: the row state each verdict leaves, and the per-host summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from federation.delivery import DeliveryOutcome, Verdict, classify_delivery
from outbox.queue import STATES, Claimed, Finished, summarize

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def state_after(status: int, attempts: int = 1) -> str:
    return STATES[classify_delivery(status, None, {}, attempts, NOW, jitter=0).verdict]


def test_outcome_states() -> None:
    assert state_after(200) == "delivered"
    assert state_after(500) == "queued"
    assert state_after(410) == "rejected"
    assert state_after(400) == "rejected"
    assert state_after(500, 17) == "failed"


def test_every_verdict_has_a_state() -> None:
    assert set(STATES) == set(Verdict)


def finished(host: str, outcome: DeliveryOutcome, number: int = 1) -> Finished:
    claimed = Claimed(number, 1, 1, 1, f"https://{host}/inbox", host, 1)
    return Finished(claimed, outcome)


def test_a_success_in_the_batch_wins_over_a_failure() -> None:
    failed = DeliveryOutcome(Verdict.RETRY, "status 500", NOW, host_failed=True)
    summary = summarize(
        [
            finished("up.example", failed),
            finished("up.example", DeliveryOutcome(Verdict.DELIVERED, "status 202"), 2),
            finished("down.example", failed, 3),
        ]
    )
    assert summary.succeeded_hosts == {"up.example": "cavage"}
    assert list(summary.failed_hosts) == ["down.example"]
    assert summary.failed_hosts["down.example"].failures == 1


def test_a_pause_is_kept_even_when_it_is_no_failure() -> None:
    until = NOW + timedelta(minutes=2)
    paused = DeliveryOutcome(Verdict.RETRY, "status 429", until, False, until)
    summary = summarize([finished("busy.example", paused)])
    entry = summary.failed_hosts["busy.example"]
    assert (entry.failures, entry.asked_until) == (0, until)


def test_gone_inboxes_are_collected() -> None:
    summary = summarize([finished("b.example", DeliveryOutcome(Verdict.GONE, "status 410"))])
    assert summary.gone_inboxes == {"https://b.example/inbox": "b.example"}
