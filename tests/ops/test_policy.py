"""Instance policy: domain rules in PostgreSQL, one question for every layer."""

import asyncio

import asyncpg
import pytest

from community.errors import InvalidInput
from community.policy import (
    DomainPolicy,
    add_domain_rule,
    domain_and_parents,
    list_domain_rules,
    normalize_domain,
    remove_domain_rule,
)
from community.storage.database import create_pool


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Bad.Example", "bad.example"),
        ("bad.example.", "bad.example"),
        ("*.bad.example", "bad.example"),
        ("bad.example:8443", "bad.example"),
        ("https://bad.example/users/x", "bad.example"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("203.0.113.9", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("under_score.example", "under_score.example"),
    ],
)
def test_domains_are_normalised(raw: str, expected: str) -> None:
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize("raw", ["", "bad example", "bad..example", "-x.example", "https://"])
def test_what_is_not_a_domain_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="not a domain"):
        normalize_domain(raw)


def test_a_domain_and_its_parents() -> None:
    assert domain_and_parents("a.b.example") == ["a.b.example", "b.example", "example"]
    assert domain_and_parents("203.0.113.9") == ["203.0.113.9"]


async def test_rules_are_added_listed_and_removed(conn: asyncpg.Connection) -> None:
    assert await add_domain_rule(conn, "Bad.Example", "block", "spam") is True
    assert await add_domain_rule(conn, "bad.example", "block") is False
    [rule] = await list_domain_rules(conn)
    assert (rule.domain, rule.kind, rule.reason) == ("bad.example", "block", "spam")
    assert await add_domain_rule(conn, "bad.example", "block", "abuse") is False
    assert (await list_domain_rules(conn))[0].reason == "abuse"
    assert await remove_domain_rule(conn, "bad.example", "block") is True
    assert await remove_domain_rule(conn, "bad.example", "block") is False


async def test_a_block_covers_subdomains_and_ports(conn: asyncpg.Connection) -> None:
    await add_domain_rule(conn, "bad.example", "block")
    policy = DomainPolicy("blocklist")
    for host in ("bad.example", "BAD.example", "sub.bad.example", "bad.example:8443"):
        assert not await policy.is_domain_allowed(conn, host), host
    assert await policy.is_domain_allowed(conn, "https://bad.example/x") is False
    for host in ("notbad.example", "example", "good.example"):
        assert await policy.is_domain_allowed(conn, host), host


async def test_allowlist_mode_allows_only_allowed_and_a_block_wins(
    conn: asyncpg.Connection,
) -> None:
    await add_domain_rule(conn, "good.example", "allow")
    await add_domain_rule(conn, "good.example", "block")
    await add_domain_rule(conn, "friend.example", "allow")
    policy = DomainPolicy("allowlist")
    assert await policy.is_domain_allowed(conn, "friend.example")
    assert await policy.is_domain_allowed(conn, "social.friend.example")
    assert not await policy.is_domain_allowed(conn, "good.example")
    assert not await policy.is_domain_allowed(conn, "stranger.example")


async def test_an_unreadable_host_is_not_allowed(conn: asyncpg.Connection) -> None:
    assert not await DomainPolicy().is_domain_allowed(conn, "not a host")


async def test_a_rule_applies_at_once_in_every_process(
    conn: asyncpg.Connection, database_url: str
) -> None:
    pool = await create_pool(database_url, max_size=3)
    try:
        # two processes' policies, both with the rules already loaded
        first, second = DomainPolicy("blocklist"), DomainPolicy("blocklist")
        assert await first.allows(pool, "late.example")
        assert await second.is_domain_allowed(conn, "late.example")
        await add_domain_rule(conn, "late.example", "block")  # as the CLI does, elsewhere
        assert not await first.allows(pool, "late.example")
        assert not await second.is_domain_allowed(conn, "late.example")
        await remove_domain_rule(conn, "late.example", "block")
        assert await first.allows(pool, "sub.late.example")
        # many decisions at once share version reads, and all see the rule committed before
        await add_domain_rule(conn, "late.example", "block")
        answers = await asyncio.gather(*(first.allows(pool, "late.example") for _ in range(50)))
        assert not any(answers)
    finally:
        await pool.close()


async def test_any_change_to_the_rules_moves_the_version(conn: asyncpg.Connection) -> None:
    async def version() -> int:
        return int(await conn.fetchval("SELECT version FROM domain_rules_version"))

    seen = [await version()]
    await add_domain_rule(conn, "a.example", "block")
    seen.append(await version())
    await conn.execute("UPDATE domain_rules SET reason = 'x'")
    seen.append(await version())
    await conn.execute("DELETE FROM domain_rules")
    seen.append(await version())
    await add_domain_rule(conn, "a.example", "block")
    await conn.execute("TRUNCATE domain_rules")
    seen.append(await version())
    assert seen == sorted(set(seen)), "every change moves it forward"
