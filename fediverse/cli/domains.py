"""``fediverse domain …``: the instance's federation policy (community/policy.py).

block/unblock work in both modes; allow/disallow matter in allow-list mode
(``FEDIVERSE_FEDERATION_MODE=allowlist``). Changes reach running processes within seconds.
"""

from __future__ import annotations

from typing import Annotated

import typer

from community.errors import InvalidInput
from community.policy import (
    RuleKind,
    add_domain_rule,
    list_domain_rules,
    normalize_domain,
    remove_domain_rule,
)
from community.settings import Settings, load_settings
from fediverse.cli.common import command, management, run

app = typer.Typer(help="Block or allow other servers (instance policy).", no_args_is_help=True)

Reason = Annotated[str, typer.Option(help="Why (kept with the rule, shown by `list`).")]


async def add_rule(settings: Settings, host: str, kind: RuleKind, reason: str) -> str:
    domain = normalize_domain(host)
    async with management(settings) as (conn, _urls):
        created = await add_domain_rule(conn, domain, kind, reason)
    verb = "blocked" if kind == "block" else "allowed"
    if not created:
        return f"{domain} was already {verb}" + ("; reason updated" if reason else "")
    return f"{verb} {domain} and its subdomains"


async def remove_rule(settings: Settings, host: str, kind: RuleKind) -> str:
    domain = normalize_domain(host)
    async with management(settings) as (conn, _urls):
        removed = await remove_domain_rule(conn, domain, kind)
    verb = "blocked" if kind == "block" else "allowed"
    if not removed:
        raise InvalidInput(f"{domain} is not {verb} (see `fediverse domain list`)")
    return f"{domain} is no longer {verb}"


async def list_rules(settings: Settings) -> list[str]:
    async with management(settings) as (conn, _urls):
        rules = await list_domain_rules(conn)
    lines = [f"federation mode: {settings.federation_mode}"]
    if settings.federation_mode == "allowlist" and not any(r.kind == "allow" for r in rules):
        lines.append("warning: allow-list mode with no allowed domain: we federate with no one")
    lines += [f"{r.kind}\t{r.domain}\t{r.created_at:%Y-%m-%d}\t{r.reason}".rstrip() for r in rules]
    if not rules:
        lines.append("no domain rules")
    return lines


@app.command("block")
@command
def block(host: str, reason: Reason = "") -> None:
    """Refuse a server and its subdomains: inbox, fetches, deliveries and authorized fetch."""
    typer.echo(run(add_rule(load_settings(), host, "block", reason)))


@app.command("unblock")
@command
def unblock(host: str) -> None:
    """Lift a block."""
    typer.echo(run(remove_rule(load_settings(), host, "block")))


@app.command("allow")
@command
def allow(host: str, reason: Reason = "") -> None:
    """Allow a server and its subdomains (what counts in allow-list mode)."""
    typer.echo(run(add_rule(load_settings(), host, "allow", reason)))


@app.command("disallow")
@command
def disallow(host: str) -> None:
    """Remove a server from the allow-list."""
    typer.echo(run(remove_rule(load_settings(), host, "allow")))


@app.command("list")
@command
def list_() -> None:
    """Show the federation mode and every rule."""
    for line in run(list_rules(load_settings())):
        typer.echo(line)
