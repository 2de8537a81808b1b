"""``fediverse relay …``: the instance's relay subscriptions, and the communities that publish
to them (docs/bridges.md "Relays").

URL is a relay's actor (a LitePub relay: ActivityRelay, Pleroma's, AodeRelay…) or its inbox (a
Mastodon-style relay). ``--group NAME`` records that community's opt-in (a governance act: the
quorum to opt in, alone to opt out): its public posts are published to the relays.
"""

from __future__ import annotations

from typing import Annotated

import typer

from community.relays import is_opted_in, list_relays
from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, find_group, moderating, run
from outbox.bridges import opt_in_relays
from outbox.governance.views import describe
from outbox.relays import subscribe, unsubscribe

app = typer.Typer(help="Relays: subscribe the instance, publish communities.", no_args_is_help=True)

Group = Annotated[str | None, typer.Option("--group", help="The community that opts in (or out).")]
AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
]


@app.command("add")
@command
def relay_add(url: str, group: Group = None, as_user: AsUser = None) -> None:
    """Subscribe to the relay URL; with --group, that community publishes to the relays."""
    for line in run(add(load_settings(), url, group, as_user)):
        typer.echo(line)


@app.command("remove")
@command
def relay_remove(url: str, group: Group = None, as_user: AsUser = None) -> None:
    """Leave the relay URL; with --group, only that community stops publishing to relays."""
    typer.echo(run(remove(load_settings(), url, group, as_user)))


@app.command("list")
@command
def relay_list(group: Group = None) -> None:
    """The relays and the state of each subscription (with --group: whether it publishes)."""
    for line in run(listing(load_settings(), group)):
        typer.echo(line)


async def add(settings: Settings, url: str, group: str | None, as_user: str | None) -> list[str]:
    async with federating(settings) as ctx:
        relay = await subscribe(ctx, url)
    lines = [f"relay {relay.url}\t{relay.kind}\t{relay.state}"]
    if group is not None:
        lines.append(await opt(settings, group, as_user, opt_in=True))
    return lines


async def opt(settings: Settings, name: str, as_user: str | None, *, opt_in: bool) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        community = await find_group(ctx, name)
        result = await opt_in_relays(conn, ctx.urls, who, community, opt_in=opt_in)
    return describe(result)


async def remove(settings: Settings, url: str, group: str | None, as_user: str | None) -> str:
    if group is not None:
        return await opt(settings, group, as_user, opt_in=False)
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        relay = await unsubscribe(conn, ctx.urls, url)
    return f"left relay {relay.url}"


async def listing(settings: Settings, group: str | None) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        relays = await list_relays(conn)
        lines = [f"{r.url}\t{r.kind}\t{r.state}\t{r.actor_uri or '-'}" for r in relays]
        if group is not None:
            community = await find_group(ctx, group)
            published = await is_opted_in(conn, community)
            lines.append(f"{community.handle}: {'publishes' if published else 'does not publish'}")
    return lines or ["no relays"]
