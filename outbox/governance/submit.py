"""Submitting an act, and voting on a proposal: the two-person rule carried out.

:func:`submit` checks who acts (a moderator of the group, or the instance admin), builds the
act's activity (or takes the one received), and then either applies it at once (an act that
needs no consent, a group with one moderator, an admin's act, a moderator stepping down) or
records it as a proposal the other moderators approve or decline (:func:`vote`); the same act
submitted again by another moderator counts as their approval. Every applied act, proposal and
vote is an entry on the group's log. An act on another server's group is sent to it, and its
server decides.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from community.actors import Actor, find_actor_by_id
from community.governance import (
    NewProposal,
    Proposal,
    count_moderators,
    decide_proposal,
    find_open_proposal,
    find_proposal,
    group_settings,
    insert_proposal,
    record_vote,
    tally,
)
from community.membership import is_moderator
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import new_activity_uri
from outbox.activities.governance import build_proposal, build_vote
from outbox.errors import ActRefused
from outbox.governance.distribute import distribute
from outbox.governance.log import log_act, log_governance
from outbox.governance.model import (
    Act,
    Applied,
    Applying,
    Declined,
    Kind,
    Proposed,
    Sent,
    Submitted,
    Voted,
)
from outbox.governance.quorum import approvals_needed, decide
from outbox.governance.registry import kind_of
from outbox.send import Audience, Outgoing, send


async def submit(conn: Conn, urls: Urls, act: Act) -> Submitted:
    """Carry ``act`` out, or propose it, or (another server's group) send it there.

    Raises :class:`~outbox.errors.ActRefused` when ``act.by`` may not act on the group, or the
    act is not one we can carry out. Runs in one transaction (the caller's, when it has one).
    """
    kind = kind_of(act.kind)
    if not act.group.local:
        return await _send_to_group(conn, urls, act, kind)
    async with conn.transaction():
        await check_authority(conn, act)
        built = await kind.build(conn, urls, act)
        activity, body = _activity_of(act, built)
        if kind.requires_consent(act):
            settings = await group_settings(conn, act.group)
            moderators = await count_moderators(conn, act.group)
            if approvals_needed(settings.quorum, moderators) > 1:
                return await _propose(conn, urls, act, activity)
        return await _apply(conn, urls, act, kind, activity, body)


async def vote(
    conn: Conn, urls: Urls, group: Actor, proposal_id: int, voter: Actor, *, approve: bool
) -> Voted:
    """A moderator approves or declines an open proposal; it applies once the quorum is
    reached, and is declined once it no longer can be."""
    async with conn.transaction():
        await check_authority(conn, Act(group, "vote", voter))
        proposal = await find_proposal(conn, proposal_id, group)
        if proposal is None:
            raise ActRefused("not_found", f"no proposal #{proposal_id} in {group.handle}")
        return await _cast(conn, urls, group, proposal, voter, approve=approve, now=True)


async def check_authority(conn: Conn, act: Act) -> None:
    """``act.by`` moderates the group, or is the instance actor acting for the admin."""
    if act.group.deleted_at is not None:
        raise ActRefused("closed", f"{act.group.handle} was deleted")
    if act.by_admin:
        if not (act.by.local and act.by.type == "Application"):
            raise ActRefused("invalid", "an admin's act is the instance actor's")
        return
    if not await is_moderator(conn, act.group, act.by):
        raise ActRefused(
            "not_moderator", f"{act.by.handle} is not a moderator of {act.group.handle}"
        )


def _activity_of(act: Act, built: dict[str, Any]) -> tuple[dict[str, Any], str]:
    if act.received is not None:
        return act.received.activity, act.received.body
    return built, orjson.dumps(built).decode()


async def _apply(
    conn: Conn,
    urls: Urls,
    act: Act,
    kind: Kind,
    activity: dict[str, Any],
    body: str,
    proposal: Proposal | None = None,
    *,
    distribute_now: bool | None = None,
) -> Applied:
    distribution = await kind.apply(Applying(conn, urls, act, activity, body))
    applied = Applied(act, activity, body, distribution, proposal)
    await log_act(conn, act, activity, proposal)
    if distribute_now is None:
        distribute_now = act.received is None  # a received act: dispatch re-shares it
    if distribute_now:
        await distribute(conn, urls, act.group, applied)
    return applied


async def _propose(conn: Conn, urls: Urls, act: Act, activity: dict[str, Any]) -> Submitted:
    """A new proposal (the proposer's approval counted), or a vote on the same one."""
    params = dict(act.params)
    same = await find_open_proposal(conn, act.group, act.kind, params)
    if same is not None:
        now = act.received is None
        return await _cast(conn, urls, act.group, same, act.by, approve=True, now=now)
    body = act.received.body if act.received is not None else None
    new = NewProposal(
        new_activity_uri(urls), act.group, act.kind, params, act.by, act.reason, activity, body
    )
    proposal = await insert_proposal(conn, new)
    await record_vote(conn, proposal, act.by, approve=True)
    offer = build_proposal(proposal.uri, act.by, activity, act.reason, proposal.expires_at)
    await log_governance(conn, act.group, "propose", act.by, offer, proposal, act.reason)
    settings = await group_settings(conn, act.group)
    needed = approvals_needed(settings.quorum, await count_moderators(conn, act.group))
    return Proposed(proposal, 1, needed)


async def _cast(
    conn: Conn,
    urls: Urls,
    group: Actor,
    proposal: Proposal,
    voter: Actor,
    *,
    approve: bool,
    now: bool,
) -> Voted:
    """Record ``voter``'s vote and act on the tally; ``now``: distribute an applied act here
    (False when the vote came in with a received activity: dispatch distributes)."""
    status = proposal.status(datetime.now(UTC))
    if status != "open":
        raise ActRefused("closed", f"proposal #{proposal.id} is {status}")
    await record_vote(conn, proposal, voter, approve=approve)
    ballot = build_vote(urls, voter, proposal.uri, approve=approve)
    kind = "approve" if approve else "decline"
    await log_governance(conn, group, kind, voter, ballot, proposal)
    settings = await group_settings(conn, group)
    counted = await tally(conn, proposal)
    decision = decide(settings.quorum, counted)
    if decision == "wait" or not await decide_proposal(conn, proposal, _state_of(decision)):
        needed = approvals_needed(settings.quorum, counted.moderators)
        return Proposed(proposal, counted.approvals, needed)
    if decision == "decline":
        return Declined(proposal)
    act = await _act_of(conn, group, proposal)
    activity = proposal.act
    body = proposal.act_body or orjson.dumps(activity).decode()
    kind_ = kind_of(proposal.kind)
    return await _apply(conn, urls, act, kind_, activity, body, proposal, distribute_now=now)


def _state_of(decision: str) -> str:
    return "applied" if decision == "apply" else "declined"


async def _act_of(conn: Conn, group: Actor, proposal: Proposal) -> Act:
    """The proposed act, as its proposer submitted it."""
    proposer = await find_actor_by_id(conn, proposal.proposer_id)
    assert proposer is not None
    return Act(group, proposal.kind, proposer, proposal.params, proposal.reason)


async def _send_to_group(conn: Conn, urls: Urls, act: Act, kind: Kind) -> Sent:
    """Our moderator acts on another server's group through that server (as Lemmy's do)."""
    if act.by_admin or not act.by.local or act.by.type != "Person":
        raise ActRefused("invalid", f"{act.group.handle} is governed on its own server")
    activity = await kind.build(conn, urls, act)
    audience = Audience(actors=(act.group,), listed=False)
    await send(conn, act.by, Outgoing.of(activity), audience)
    return Sent(str(activity["id"]))
