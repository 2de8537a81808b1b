"""The two-person rule's arithmetic."""

import pytest

from community.governance import Tally
from outbox.governance.quorum import approvals_needed, decide


@pytest.mark.parametrize(
    ("quorum", "moderators", "needed"),
    [
        ("majority", 0, 1),
        ("majority", 1, 1),
        ("majority", 2, 2),
        ("majority", 3, 2),
        ("majority", 4, 3),
        ("majority", 5, 3),
        ("unanimous", 1, 1),
        ("unanimous", 2, 2),
        ("unanimous", 5, 5),
    ],
)
def test_approvals_needed(quorum: str, moderators: int, needed: int) -> None:
    assert approvals_needed(quorum, moderators) == needed


def test_a_proposal_waits_applies_or_is_declined() -> None:
    assert decide("majority", Tally(approvals=1, declines=0, moderators=3)) == "wait"
    assert decide("majority", Tally(approvals=2, declines=1, moderators=3)) == "apply"
    assert decide("majority", Tally(approvals=1, declines=2, moderators=3)) == "decline"
    assert decide("unanimous", Tally(approvals=2, declines=0, moderators=3)) == "wait"
    assert decide("unanimous", Tally(approvals=2, declines=1, moderators=3)) == "decline"
    assert decide("unanimous", Tally(approvals=3, declines=0, moderators=3)) == "apply"
