"""``fediverse group proposals list NAME`` and ``approve|decline NAME ID --as USER``: acts that
wait for the moderators' consent (the quorum: ``majority`` or ``unanimous``; 7 days)."""

from __future__ import annotations

from typing import Annotated

import typer

from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, find_group, moderating, run
from outbox.errors import ActRefused
from outbox.governance.views import ProposalView, describe, proposal_views
from outbox.moderation import decide_proposal

app = typer.Typer(help="Acts waiting for the moderators' consent.", no_args_is_help=True)

AsUser = Annotated[str, typer.Option("--as", help="The moderator who votes.")]


@app.command("list")
@command
def proposals_list(name: str) -> None:
    """List the proposals of NAME, newest first."""
    for line in run(list_proposals(load_settings(), name)):
        typer.echo(line)


@app.command("approve")
@command
def proposals_approve(name: str, proposal_id: int, as_user: AsUser) -> None:
    """Approve proposal ID of NAME; it applies once the quorum is reached."""
    typer.echo(run(decide(load_settings(), name, proposal_id, as_user, approve=True)))


@app.command("decline")
@command
def proposals_decline(name: str, proposal_id: int, as_user: AsUser) -> None:
    """Decline proposal ID of NAME."""
    typer.echo(run(decide(load_settings(), name, proposal_id, as_user, approve=False)))


def line_of(view: ProposalView) -> str:
    p = view.proposal
    params = " ".join(f"{k}={v}" for k, v in sorted(p.params.items()))
    return (
        f"{p.id}\t{view.status}\t{p.kind} {params}".rstrip()
        + f"\t{view.approvals}/{view.needed} approvals, {view.declines} declines"
        + f"\tby @{view.proposer.handle}\texpires {p.expires_at:%Y-%m-%d %H:%M}"
        + (f"\t{p.reason}" if p.reason else "")
    )


async def list_proposals(settings: Settings, name: str) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await find_group(ctx, name)
        views = await proposal_views(conn, group)
    return [line_of(v) for v in views] or [f"no proposals in {group.handle}"]


async def decide(
    settings: Settings, name: str, proposal_id: int, as_user: str, *, approve: bool
) -> str:
    if not as_user:
        raise ActRefused("invalid", "--as USER names the moderator who votes")
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        result = await decide_proposal(conn, ctx.urls, who, group, proposal_id, approve=approve)
    return describe(result)
