"""The two-person rule as arithmetic: how many approvals an act needs, and what a tally means.

A group's quorum is ``majority`` (more than half of its moderators; the default) or
``unanimous`` (all of them). The proposer counts. With one moderator an act applies at once.
"""

from __future__ import annotations

from typing import Literal

from community.governance import Tally

Decision = Literal["apply", "decline", "wait"]


def approvals_needed(quorum: str, moderators: int) -> int:
    """Approvals that carry an act among ``moderators`` (at least one: the proposer's)."""
    if moderators <= 1:
        return 1
    if quorum == "unanimous":
        return moderators
    return moderators // 2 + 1


def decide(quorum: str, tally: Tally) -> Decision:
    """``apply`` once enough approve, ``decline`` once enough decline that they cannot."""
    needed = approvals_needed(quorum, tally.moderators)
    if tally.approvals >= needed:
        return "apply"
    if tally.moderators - tally.declines < needed:
        return "decline"
    return "wait"
