"""Instance policy: which domains we federate with.

The one question every layer asks — the inbox before queueing, fetching before a GET, delivery
before a POST, authorized fetch before answering a signed GET — is
:meth:`DomainPolicy.is_domain_allowed`. Build one :class:`DomainPolicy` per process from the
settings and keep it. The table is the truth and a change applies at once, in every process:
a trigger bumps ``domain_rules_version`` with every change (migration 0008), each decision
reads that version first (one single-row read, shared by the decisions waiting for it) and the
rules are reloaded when it moved. A block made by ``fediverse domain block`` in another process
applies to the next request everywhere (issue 11, class 9).

A rule covers a domain and all its subdomains, as Mastodon's domain blocks do
(mastodon/mastodon, app/models/domain_block.rb, ``rule_for``). In ``blocklist`` mode everything
not blocked is allowed; in ``allowlist`` mode only allowed domains are, and a block still wins.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import asyncpg

from community.errors import InvalidInput
from community.settings import FederationMode
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.errors import InvalidURL
from federation.origins import normalize_host, origin_of

Q = load_queries("community")

RuleKind = Literal["block", "allow"]


def normalize_domain(value: str) -> str:
    """``Bad.Example``, ``*.bad.example``, ``https://bad.example/x`` → ``bad.example``.

    Ports are dropped (a rule covers every port); the host is normalised by
    :func:`federation.origins.normalize_host`, the one normal form every origin comparison
    uses. Anything that is not a host name or an IP address raises :class:`InvalidInput`.
    """
    raw = value.strip()
    if "://" in raw:
        origin = origin_of(raw)
        if origin is None:
            raise InvalidInput(f"{value!r} is not a domain name or a URL we accept")
        return origin.host
    raw = raw.removeprefix("*.")
    if raw.startswith("["):
        raw = raw[1:].partition("]")[0]
    elif raw.count(":") == 1:
        raw = raw.partition(":")[0]
    try:
        return normalize_host(raw)
    except InvalidURL:
        raise InvalidInput(f"{value!r} is not a domain name; expected e.g. bad.example") from None


def domain_and_parents(domain: str) -> list[str]:
    """``a.b.example`` → ``[a.b.example, b.example, example]`` (an IP address stands alone)."""
    if ":" in domain or domain.replace(".", "").isdigit():
        return [domain]
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


@dataclass(frozen=True)
class DomainRule:
    domain: str
    kind: RuleKind
    reason: str
    created_at: datetime


async def list_domain_rules(conn: Conn) -> list[DomainRule]:
    return [
        DomainRule(row["domain"], row["kind"], row["reason"], row["created_at"])
        for row in await conn.fetch(Q["list_domain_rules"])
    ]


async def add_domain_rule(conn: Conn, domain: str, kind: RuleKind, reason: str = "") -> bool:
    """Add (or update the reason of) a rule; True when it is new. ``domain`` is normalised."""
    created = await conn.fetchval(Q["upsert_domain_rule"], normalize_domain(domain), kind, reason)
    return bool(created)


async def remove_domain_rule(conn: Conn, domain: str, kind: RuleKind) -> bool:
    """Remove a rule; False when there was none."""
    return await conn.fetchval(Q["delete_domain_rule"], normalize_domain(domain), kind) is not None


#: How many host decisions one set of rules remembers before starting over.
MAX_DECISIONS = 10_000


@dataclass(frozen=True)
class _Rules:
    blocked: frozenset[str]
    allowed: frozenset[str]
    version: int
    # host → decision under these rules
    decisions: dict[str, bool] = field(default_factory=dict)


class _SharedRead:
    """Reads the rules' version for all the decisions waiting, one query at a time.

    A decision joins the next read, never one already under way: that one may have started
    before a rule committed just before the decision was asked for, and would miss it.
    """

    def __init__(self) -> None:
        self._next: asyncio.Future[int] | None = None
        self._running: asyncio.Future[None] | None = None

    async def read(self, pool: asyncpg.Pool) -> int:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            self._next.add_done_callback(_retrieved)
            self._running = asyncio.ensure_future(self._run(pool, self._next, self._running))
        return await asyncio.shield(self._next)

    async def _run(
        self, pool: asyncpg.Pool, result: asyncio.Future[int], previous: asyncio.Future[None] | None
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        self._next = None  # who asks from now on needs the read after this one
        try:
            version: int = await pool.fetchval(Q["domain_rules_version"])
        except BaseException as exc:  # every waiter learns it (the caller decides what to do)
            result.set_exception(exc)
            return
        result.set_result(version)


def _retrieved(future: asyncio.Future[int]) -> None:
    if not future.cancelled():
        future.exception()  # retrieved here, whoever else awaits it


class DomainPolicy:
    """The federation policy of this process: mode from settings, rules from PostgreSQL."""

    def __init__(self, mode: FederationMode = "blocklist") -> None:
        self.mode = mode
        self._rules: _Rules | None = None
        self._versions = _SharedRead()

    async def is_domain_allowed(self, conn: Conn, host: str) -> bool:
        """Whether we may federate with ``host`` (a host name, ``host:port`` or URL).

        A host we cannot even parse is not allowed.
        """
        version: int = await conn.fetchval(Q["domain_rules_version"])
        return self._decide(await self._rules_at(conn, version), host)

    async def allows(self, pool: asyncpg.Pool, host: str) -> bool:
        """As :meth:`is_domain_allowed`, borrowing a connection only to re-read the rules."""
        version = await self._versions.read(pool)
        rules = self._rules
        if rules is None or rules.version != version:
            async with pool.acquire() as conn:
                rules = await self._rules_at(conn, version)
        return self._decide(rules, host)

    def checker(self, pool: asyncpg.Pool) -> Callable[[str], Awaitable[bool]]:
        """``is_allowed(host)`` for this process: the one seam inbox, fetch and delivery use."""

        async def is_allowed(host: str) -> bool:
            return await self.allows(pool, host)

        return is_allowed

    def _decide(self, rules: _Rules, host: str) -> bool:
        decided = rules.decisions.get(host)
        if decided is None:
            if len(rules.decisions) >= MAX_DECISIONS:
                rules.decisions.clear()
            decided = rules.decisions[host] = self._judge(rules, host)
        return decided

    def _judge(self, rules: _Rules, host: str) -> bool:
        try:
            domain = normalize_domain(host)
        except InvalidInput:
            return False
        candidates = domain_and_parents(domain)
        if any(candidate in rules.blocked for candidate in candidates):
            return False
        if self.mode == "allowlist":
            return any(candidate in rules.allowed for candidate in candidates)
        return True

    async def _rules_at(self, conn: Conn, version: int) -> _Rules:
        """The rules as of ``version`` (or later: a later one is reloaded on its next read)."""
        if self._rules is not None and self._rules.version == version:
            return self._rules
        rules = await list_domain_rules(conn)
        self._rules = _Rules(
            blocked=frozenset(r.domain for r in rules if r.kind == "block"),
            allowed=frozenset(r.domain for r in rules if r.kind == "allow"),
            version=version,
        )
        return self._rules
