"""Who governs a group and by what rules: its moderators (all equal, here or elsewhere), its
settings (pre-moderation, quorum), proposals of acts that need a second moderator's consent, and
their votes. What the acts *do* is :mod:`outbox.governance`'s business; this is the storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import asyncpg

from community.actors import Actor, CommunityVisibility, PostingPolicy, Profile
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

Premoderation = Literal["off", "new", "all"]
Quorum = Literal["majority", "unanimous"]
PREMODERATION: tuple[Premoderation, ...] = ("off", "new", "all")
QUORUMS: tuple[Quorum, ...] = ("majority", "unanimous")
#: A proposal nobody decided is dropped after this many days.
PROPOSAL_DAYS = 7


@dataclass(frozen=True)
class GroupSettings:
    premoderation: str = "off"
    quorum: str = "majority"


@dataclass(frozen=True)
class Proposal(Row):
    """An act waiting for the moderators' consent (one row of ``governance_proposals``)."""

    id: int
    uri: str
    group_id: int
    kind: str
    params: dict[str, Any]
    proposer_id: int
    reason: str
    act: dict[str, Any]
    act_body: str | None
    state: str
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None

    def status(self, now: datetime) -> str:
        """``open``, ``applied``, ``declined`` or ``expired``."""
        if self.state == "open" and self.expires_at <= now:
            return "expired"
        return self.state


@dataclass(frozen=True)
class Tally:
    """The votes of a proposal's group's current moderators."""

    approvals: int
    declines: int
    moderators: int


async def moderators_of(conn: Conn, group: Actor) -> list[Actor]:
    return [Actor.from_record(r) for r in await conn.fetch(Q["moderators_of"], group.id)]


async def count_moderators(conn: Conn, group: Actor) -> int:
    return int(await conn.fetchval(Q["count_moderators"], group.id))


async def add_moderator(conn: Conn, group: Actor, person: Actor) -> bool:
    """Make ``person`` a moderator of ``group``; whether they were not one already."""
    return await conn.fetchval(Q["add_moderator"], group.id, person.id) is not None


async def remove_moderator(conn: Conn, group: Actor, person: Actor) -> bool:
    """``person`` moderates ``group`` no more; whether they did."""
    return await conn.fetchval(Q["remove_moderator"], group.id, person.id) is not None


async def moderated_groups(conn: Conn, person: Actor) -> list[Actor]:
    return [Actor.from_record(r) for r in await conn.fetch(Q["moderated_groups_of"], person.id)]


async def moderator_inboxes(conn: Conn, group: Actor) -> list[str]:
    """One inbox per server that hosts a remote moderator of ``group``."""
    return [r["inbox_uri"] for r in await conn.fetch(Q["moderator_inboxes"], group.id)]


async def group_settings(conn: Conn, group: Actor) -> GroupSettings:
    record = await conn.fetchrow(Q["get_group_settings"], group.id)
    assert record is not None
    return GroupSettings(record["premoderation"], record["quorum"])


async def set_premoderation(conn: Conn, group: Actor, mode: Premoderation) -> None:
    await conn.execute(Q["set_premoderation"], group.id, mode)


async def set_quorum(conn: Conn, group: Actor, quorum: Quorum) -> None:
    await conn.execute(Q["set_quorum"], group.id, quorum)


async def update_group_profile(
    conn: Conn,
    group: Actor,
    *,
    name: str | None = None,
    summary: str | None = None,
    posting_policy: str | None = None,
    closed: bool | None = None,
    rules: str | None = None,
) -> Actor:
    """Change what is given of a local group's profile and rules; the group as it now is."""
    values = (group.id, name, summary, posting_policy, closed, rules)
    updated = await fetch_row(conn, Actor, Q["update_group_profile"], *values)
    assert updated is not None
    return updated


async def mark_group_deleted(conn: Conn, group: Actor) -> bool:
    """A local group is deleted (its row stays, marked); whether it was not already."""
    return await conn.fetchval(Q["mark_group_deleted"], group.id) is not None


@dataclass(frozen=True)
class NewProposal:
    """What :func:`insert_proposal` records."""

    uri: str
    group: Actor
    kind: str
    params: dict[str, Any]
    proposer: Actor
    reason: str
    act: dict[str, Any]
    act_body: str | None


async def insert_proposal(conn: Conn, new: NewProposal) -> Proposal:
    values = (
        new.uri,
        new.group.id,
        new.kind,
        new.params,
        new.proposer.id,
        new.reason,
        new.act,
        new.act_body,
        PROPOSAL_DAYS,
    )
    proposal = await fetch_row(conn, Proposal, Q["insert_proposal"], *values)
    assert proposal is not None
    return proposal


async def find_proposal(
    conn: Conn, proposal_id: int, group: Actor | None = None
) -> Proposal | None:
    if group is None:
        return await fetch_row(conn, Proposal, Q["get_proposal"], proposal_id)
    return await fetch_row(conn, Proposal, Q["get_proposal_of_group"], proposal_id, group.id)


async def find_open_proposal(
    conn: Conn, group: Actor, kind: str, params: dict[str, Any]
) -> Proposal | None:
    """An open proposal of the very same act, if one is waiting."""
    return await fetch_row(conn, Proposal, Q["find_open_proposal"], group.id, kind, params)


async def list_proposals(
    conn: Conn, group: Actor, *, open_only: bool = False, limit: int = 100
) -> list[Proposal]:
    rows = await conn.fetch(Q["list_proposals"], group.id, open_only, limit)
    return [Proposal.from_record(r) for r in rows]


async def decide_proposal(conn: Conn, proposal: Proposal, state: str) -> bool:
    """Close an open proposal as ``applied`` or ``declined``; whether it was still open."""
    return await conn.fetchval(Q["decide_proposal"], proposal.id, state) is not None


async def record_vote(conn: Conn, proposal: Proposal, voter: Actor, *, approve: bool) -> None:
    await conn.execute(Q["upsert_governance_vote"], proposal.id, voter.id, approve)


async def tally(conn: Conn, proposal: Proposal) -> Tally:
    record = await conn.fetchrow(Q["tally_votes"], proposal.id, proposal.group_id)
    assert record is not None
    return Tally(record["approvals"], record["declines"], record["moderators"])


async def votes_on(conn: Conn, proposal: Proposal) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["votes_on"], proposal.id))


@dataclass(frozen=True)
class GroupRequest(Row):
    """A member's request to create a group: the profile and settings they chose, until an
    admin answers."""

    username: str
    requester_id: int
    title: str
    summary: str
    created_at: datetime
    closed: bool = False
    posting_policy: PostingPolicy = "members"
    visibility: CommunityVisibility = "public"


async def request_group(
    conn: Conn, username: str, requester: Actor, asked: Profile
) -> GroupRequest | None:
    """A member asks to create a group as ``asked`` (None: that name is already asked for);
    a private group is closed, and a closed one private unless they chose otherwise."""
    closed = asked.get("closed", False)
    visibility = asked.get("visibility", "private" if closed else "public")
    values = (
        username,
        requester.id,
        asked.get("name", ""),
        asked.get("summary", ""),
        closed or visibility == "private",
        asked.get("posting_policy", "members"),
        visibility,
    )
    return await fetch_row(conn, GroupRequest, Q["insert_group_request"], *values)


async def take_group_request(conn: Conn, username: str) -> GroupRequest | None:
    """The request to create ``username``, removed (an admin answers it)."""
    return await fetch_row(conn, GroupRequest, Q["take_group_request"], username)


async def list_group_requests(conn: Conn) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["list_group_requests"]))
