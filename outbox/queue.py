"""The delivery queue's repository: claim rows in batches, record outcomes in batches.

Every function is one or two named statements of ``outbox/sql/``; the worker decides when.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.delivery import DeliveryOutcome, Verdict
from outbox.lease import LEASE_CLASS

Q = load_queries("outbox")
#: The ``deliveries.state`` each verdict leaves its row in.
STATES = {
    Verdict.DELIVERED: "delivered",
    Verdict.RETRY: "queued",
    Verdict.GONE: "rejected",
    Verdict.REJECTED: "rejected",
    Verdict.EXPIRED: "failed",
}


@dataclass(frozen=True, slots=True)
class Claimed:
    """One delivery row this worker holds (``token`` proves the claim is still ours)."""

    id: int
    token: int
    activity_id: int
    sender_id: int
    inbox_uri: str
    host: str
    attempts: int
    last_status: int | None = None
    # the signature scheme this host last accepted (None: not known yet)
    host_scheme: str | None = None

    @property
    def scheme(self) -> str:
        """How to sign this attempt: what the host accepted before (draft-cavage by default),
        and the other scheme after a 401 (the double-knock: a 401 may mean "not that one")."""
        known = self.host_scheme or "cavage"
        if self.last_status == 401:
            return "rfc9421" if known == "cavage" else "cavage"
        return known


@dataclass(frozen=True, slots=True)
class Finished:
    """A claimed row and what became of its attempt."""

    claimed: Claimed
    outcome: DeliveryOutcome
    status: int | None = None
    error: str | None = None
    excerpt: str | None = None


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The per-host rules, from the settings."""

    connections: int = 4
    breaker_failures: int = 5
    breaker_pause_seconds: float = 30.0
    breaker_max_pause_seconds: float = 3600.0
    unavailable_days: int = 7


@dataclass
class HostFailures:
    failures: int = 0
    error: str = ""
    asked_until: datetime | None = None


@dataclass
class Summary:
    """A batch of outcomes as the statements that record them want it."""

    # host → the signature scheme it accepted
    succeeded_hosts: dict[str, str] = field(default_factory=dict)
    failed_hosts: dict[str, HostFailures] = field(default_factory=lambda: defaultdict(HostFailures))
    gone_inboxes: dict[str, str] = field(default_factory=dict)


def summarize(batch: Sequence[Finished]) -> Summary:
    """Fold a batch of outcomes into per-host successes, failures and gone inboxes (pure)."""
    summary = Summary()
    for item in batch:
        outcome, host = item.outcome, item.claimed.host
        if outcome.verdict is Verdict.DELIVERED:
            summary.succeeded_hosts[host] = item.claimed.scheme
        elif outcome.verdict is Verdict.GONE:
            summary.gone_inboxes[item.claimed.inbox_uri] = host
        if outcome.host_failed or outcome.host_paused_until is not None:
            entry = summary.failed_hosts[host]
            entry.failures += 1 if outcome.host_failed else 0
            entry.error = item.error or outcome.reason
            if outcome.host_paused_until is not None:
                asked = entry.asked_until
                entry.asked_until = (
                    max(asked, outcome.host_paused_until) if asked else (outcome.host_paused_until)
                )
    # a host that failed and succeeded in one batch is up: the success wins
    for host in summary.succeeded_hosts:
        summary.failed_hosts.pop(host, None)
    return summary


def new_token() -> int:
    return secrets.randbits(62)


async def release_stale_claims(conn: Conn, visibility_seconds: float) -> int:
    """Take back the claims of dead workers (their lease is gone: at once) and of stuck ones
    (older than the visibility timeout); how many."""
    status = await conn.execute(Q["release_stale_claims"], visibility_seconds, LEASE_CLASS)
    return int(status.rsplit(" ", 1)[-1])


async def purge_finished(conn: Conn, days: int) -> int:
    status = await conn.execute(Q["purge_finished"], days)
    return int(status.rsplit(" ", 1)[-1])


async def claim(
    conn: Conn, limit: int, policy: HostPolicy, worker_id: int | None = None
) -> list[Claimed]:
    """Up to ``limit`` due rows for the worker holding lease ``worker_id`` (None: a worker
    stepped by hand, whose claims only the visibility timeout takes back)."""
    token = new_token()
    rows = await conn.fetch(
        Q["claim_deliveries"], limit, token, policy.connections, policy.breaker_failures, worker_id
    )
    return [
        Claimed(
            r["id"],
            token,
            r["activity_id"],
            r["sender_id"],
            r["inbox_uri"],
            r["host"],
            r["attempts"],
            r["last_status"],
            r["host_scheme"],
        )
        for r in rows
    ]


async def release(conn: Conn, claimed: Sequence[Claimed]) -> None:
    """Give back claims that were never attempted (graceful shutdown)."""
    if claimed:
        await conn.execute(
            Q["release_claims"], [c.id for c in claimed], list({c.token for c in claimed})
        )


async def record(conn: Conn, batch: Sequence[Finished], policy: HostPolicy) -> list[str]:
    """Write a batch of outcomes and the hosts' health; return hosts that became unavailable."""
    if not batch:
        return []
    summary = summarize(batch)
    async with conn.transaction():
        await conn.execute(
            Q["finish_deliveries"],
            [f.claimed.id for f in batch],
            [f.claimed.token for f in batch],
            [STATES[f.outcome.verdict] for f in batch],
            [f.outcome.retry_at for f in batch],
            [f.status for f in batch],
            [
                f.error or (None if f.outcome.verdict is Verdict.DELIVERED else f.outcome.reason)
                for f in batch
            ],
            [f.excerpt for f in batch],
        )
        if summary.succeeded_hosts:
            hosts = sorted(summary.succeeded_hosts)
            schemes = [summary.succeeded_hosts[h] for h in hosts]
            await conn.execute(Q["record_host_successes"], hosts, schemes)
        if summary.gone_inboxes:
            inboxes = sorted(summary.gone_inboxes)
            hosts = [summary.gone_inboxes[i] for i in inboxes]
            await conn.execute(Q["insert_gone_inboxes"], inboxes, hosts)
        unavailable = await _record_failures(conn, summary, policy)
        if unavailable:
            await conn.execute(Q["fail_host_deliveries"], unavailable)
    return unavailable


async def _record_failures(conn: Conn, summary: Summary, policy: HostPolicy) -> list[str]:
    if not summary.failed_hosts:
        return []
    hosts = sorted(summary.failed_hosts)
    entries = [summary.failed_hosts[h] for h in hosts]
    rows = await conn.fetch(
        Q["record_host_failures"],
        hosts,
        [e.failures for e in entries],
        [e.error[:500] for e in entries],
        [e.asked_until for e in entries],
        policy.breaker_failures,
        policy.breaker_pause_seconds,
        policy.breaker_max_pause_seconds,
        policy.unavailable_days,
    )
    return [r["host"] for r in rows]


async def fetch_activity_bodies(conn: Conn, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = await conn.fetch(Q["get_activity_bodies"], list(ids))
    return {r["id"]: (r["uri"], r["body"]) for r in rows}


async def fetch_signing_keys(conn: Conn, actor_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = await conn.fetch(Q["get_signing_keys"], list(actor_ids))
    return {r["actor_id"]: (r["key_id"], r["private_key_pem"]) for r in rows}
