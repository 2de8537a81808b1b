"""Instance policy: which domains we federate with.

The one question every layer asks — the inbox before queueing, fetching before a GET, delivery
before a POST, authorized fetch before answering a signed GET — is
:meth:`DomainPolicy.is_domain_allowed`. Build one :class:`DomainPolicy` per process from the
settings and keep it: it caches the rules for a few seconds (the table is the truth; a change
reaches every process within ``ttl_seconds``).

A rule covers a domain and all its subdomains, as Mastodon's domain blocks do
(mastodon/mastodon, app/models/domain_block.rb, ``rule_for``). In ``blocklist`` mode everything
not blocked is allowed; in ``allowlist`` mode only allowed domains are, and a block still wins.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import asyncpg

from community.errors import InvalidInput
from community.settings import FederationMode
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

RuleKind = Literal["block", "allow"]

_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


def normalize_domain(value: str) -> str:
    """``Bad.Example``, ``*.bad.example``, ``https://bad.example/x`` → ``bad.example``.

    Ports are dropped (a rule covers every port), names are IDNA-encoded; anything else that is
    not a host name or an IP address raises :class:`InvalidInput`.
    """
    raw = value.strip()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    raw = raw.lower().rstrip(".").removeprefix("*.")
    if raw.startswith("["):
        raw = raw[1:].partition("]")[0]
    elif raw.count(":") == 1:
        raw = raw.partition(":")[0]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        pass
    try:
        host = raw.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise InvalidInput(f"{value!r} is not a domain name; expected e.g. bad.example")
    return host


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


@dataclass(frozen=True)
class _Rules:
    blocked: frozenset[str]
    allowed: frozenset[str]
    loaded_at: float


class DomainPolicy:
    """The federation policy of this process: mode from settings, rules from PostgreSQL."""

    def __init__(
        self,
        mode: FederationMode = "blocklist",
        *,
        ttl_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mode = mode
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._rules: _Rules | None = None
        # host → decision under the current rules (cleared whenever the rules are re-read)
        self._decisions: dict[str, bool] = {}

    async def is_domain_allowed(self, conn: Conn, host: str) -> bool:
        """Whether we may federate with ``host`` (a host name, ``host:port`` or URL).

        A host we cannot even parse is not allowed.
        """
        return self._decide(await self._current_rules(conn), host)

    async def allows(self, pool: asyncpg.Pool, host: str) -> bool:
        """As :meth:`is_domain_allowed`, borrowing a connection only to re-read the rules."""
        rules = self._rules
        if rules is None or self._clock() - rules.loaded_at >= self.ttl_seconds:
            async with pool.acquire() as conn:
                rules = await self._current_rules(conn)
        return self._decide(rules, host)

    def checker(self, pool: asyncpg.Pool) -> Callable[[str], Awaitable[bool]]:
        """``is_allowed(host)`` for this process: the one seam inbox, fetch and delivery use."""

        async def is_allowed(host: str) -> bool:
            return await self.allows(pool, host)

        return is_allowed

    def _decide(self, rules: _Rules, host: str) -> bool:
        decided = self._decisions.get(host)
        if decided is None:
            decided = self._decisions[host] = self._judge(rules, host)
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

    def forget(self) -> None:
        """Drop the cached rules (after this process changed them)."""
        self._rules = None
        self._decisions = {}

    async def _current_rules(self, conn: Conn) -> _Rules:
        now = self._clock()
        if self._rules is None or now - self._rules.loaded_at >= self.ttl_seconds:
            rules = await list_domain_rules(conn)
            self._decisions = {}
            self._rules = _Rules(
                blocked=frozenset(r.domain for r in rules if r.kind == "block"),
                allowed=frozenset(r.domain for r in rules if r.kind == "allow"),
                loaded_at=now,
            )
        return self._rules
