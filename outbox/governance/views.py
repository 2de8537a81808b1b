"""What the surfaces show of governance: proposals with their tallies, and one line (or one
JSON object) for the result of an act. Data only; the CLI, the API and the web pages render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from community.actors import Actor, find_actor_by_id
from community.governance import Proposal, group_settings, list_proposals, tally, votes_on
from community.storage.database import Conn
from outbox.governance.model import Applied, Declined, Proposed, Sent, Submitted, Voted
from outbox.governance.quorum import approvals_needed


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    status: str
    approvals: int
    declines: int
    needed: int
    proposer: Actor
    #: (voter's id, approve) in the order they voted
    votes: tuple[tuple[str, bool], ...]


async def proposal_views(
    conn: Conn, group: Actor, *, open_only: bool = False
) -> list[ProposalView]:
    """A group's proposals, newest first, each with its tally against today's moderators."""
    quorum = (await group_settings(conn, group)).quorum
    now = datetime.now(UTC)
    views = []
    for proposal in await list_proposals(conn, group, open_only=open_only):
        counted = await tally(conn, proposal)
        proposer = await find_actor_by_id(conn, proposal.proposer_id)
        assert proposer is not None
        votes = tuple((r["uri"], bool(r["approve"])) for r in await votes_on(conn, proposal))
        needed = approvals_needed(quorum, counted.moderators)
        status = proposal.status(now)
        views.append(
            ProposalView(
                proposal, status, counted.approvals, counted.declines, needed, proposer, votes
            )
        )
    return views


def describe(result: Submitted | Voted) -> str:
    """One line for a person: what became of an act."""
    if isinstance(result, Applied):
        proposal = f" (proposal {result.proposal.id})" if result.proposal else ""
        return f"{result.act.kind} applied in {result.act.group.handle}{proposal}"
    if isinstance(result, Proposed):
        p = result.proposal
        return (
            f"proposal {p.id}: {p.kind} waits for the other moderators "
            f"({result.approvals} of {result.needed} approvals; expires {p.expires_at:%Y-%m-%d})"
        )
    if isinstance(result, Declined):
        return f"proposal {result.proposal.id} declined"
    return f"sent to the group's server, which decides ({result.activity_uri})"


def result_json(result: Submitted | Voted) -> dict[str, Any]:
    """The result of an act as the moderators' API answers it."""
    if isinstance(result, Applied):
        found: dict[str, Any] = {"state": "applied", "kind": result.act.kind}
        found["activity"] = result.activity_uri
        if result.proposal is not None:
            found["proposal_id"] = str(result.proposal.id)
        return found
    if isinstance(result, Proposed):
        return {
            "state": "proposed",
            "kind": result.proposal.kind,
            "proposal_id": str(result.proposal.id),
            "approvals": result.approvals,
            "needed": result.needed,
        }
    if isinstance(result, Declined):
        return {
            "state": "declined",
            "kind": result.proposal.kind,
            "proposal_id": str(result.proposal.id),
        }
    assert isinstance(result, Sent)
    return {"state": "sent", "activity": result.activity_uri}
