"""``fediverse group moderators list|add|remove NAME [ACCT] [--as USER]``: a community's team.

Every moderator has the same powers; adding or removing one needs a second moderator's consent
once there are two (the act becomes a proposal: its id is printed, and the command succeeds);
anyone may step down alone. Without ``--as``, the admin acts (marked so on the log).
"""

from __future__ import annotations

from typing import Annotated

import typer

from community.governance import moderators_of
from community.settings import Settings, load_settings
from fediverse.cli.common import (
    command,
    federating,
    find_actor_by_handle,
    find_group,
    moderating,
    run,
)
from outbox.governance.views import describe
from outbox.moderation import change_team

app = typer.Typer(help="A community's moderators (all equal).", no_args_is_help=True)

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
]
Reason = Annotated[str, typer.Option(help="Why (shown on the moderation log).")]


@app.command("list")
@command
def moderators_list(name: str) -> None:
    """List the moderators of NAME (here and on other servers)."""
    for line in run(list_team(load_settings(), name)):
        typer.echo(line)


@app.command("add")
@command
def moderators_add(name: str, acct: str, as_user: AsUser = None, reason: Reason = "") -> None:
    """Make ACCT (@name@host or a local name) a moderator of NAME."""
    typer.echo(run(change(load_settings(), name, acct, as_user, reason, add=True)))


@app.command("remove")
@command
def moderators_remove(name: str, acct: str, as_user: AsUser = None, reason: Reason = "") -> None:
    """ACCT moderates NAME no more (a moderator naming themselves steps down)."""
    typer.echo(run(change(load_settings(), name, acct, as_user, reason, add=False)))


async def list_team(settings: Settings, name: str) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await find_group(ctx, name)
        team = await moderators_of(conn, group)
    if not team:
        return [f"{group.handle} has no moderators: the admin may add one"]
    return [f"@{m.handle}\t{'here' if m.local else 'elsewhere'}\t{m.uri}" for m in team]


async def change(
    settings: Settings, name: str, acct: str, as_user: str | None, reason: str, *, add: bool
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        person = await find_actor_by_handle(ctx, acct)
        result = await change_team(conn, ctx.urls, who, group, person, add=add, reason=reason)
    return describe(result)
