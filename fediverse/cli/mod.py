"""``fediverse mod …``: moderation, as a named moderator (``--as USER``) or the admin.

Posts are named by URL (their id or their page); people by ACCT (``@name@host`` or a local
name). A refused act (not a moderator, unknown post…) is one line and exit status 1. For a
community on another server, the act is sent to it (as Lemmy moderators act through their own
instance), and its server decides.
"""

from __future__ import annotations

from typing import Annotated

import typer

from community.moderation import held_posts, list_reports
from community.settings import Settings, load_settings
from fediverse.cli.common import (
    command,
    federating,
    find_actor_by_handle,
    find_group,
    moderating,
    run,
)
from outbox import moderation
from outbox.governance.views import describe

app = typer.Typer(
    help="Moderate: remove, ban, lock, pin, the queue, reports.", no_args_is_help=True
)

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
]
Reason = Annotated[str, typer.Option(help="Why (shown to the author and on the log).")]
Required = Annotated[str, typer.Option(help="Why (shown on the log and to followers).")]


def _post_act(kind: str, url: str, as_user: str | None, reason: str = "") -> None:
    typer.echo(run(on_post(load_settings(), kind, url, as_user, reason)))


@app.command("remove")
@command
def mod_remove(url: str, reason: Required, as_user: AsUser = None) -> None:
    """Remove the post or comment URL (its followers everywhere see it go)."""
    _post_act("remove_post", url, as_user, reason)


@app.command("restore")
@command
def mod_restore(url: str, reason: Required, as_user: AsUser = None) -> None:
    """Restore a removed post or comment."""
    _post_act("restore_post", url, as_user, reason)


@app.command("lock")
@command
def mod_lock(url: str, as_user: AsUser = None, reason: Reason = "") -> None:
    """Lock the thread URL: it takes no more replies."""
    _post_act("lock", url, as_user, reason)


@app.command("unlock")
@command
def mod_unlock(url: str, as_user: AsUser = None, reason: Reason = "") -> None:
    """Unlock the thread URL."""
    _post_act("unlock", url, as_user, reason)


@app.command("pin")
@command
def mod_pin(url: str, as_user: AsUser = None) -> None:
    """Pin the thread URL (the community's featured posts)."""
    _post_act("pin", url, as_user)


@app.command("unpin")
@command
def mod_unpin(url: str, as_user: AsUser = None) -> None:
    """Unpin the thread URL."""
    _post_act("unpin", url, as_user)


@app.command("ban")
@command
def mod_ban(
    name: str,
    acct: str,
    days: Annotated[int | None, typer.Option(help="End the ban after N days.")] = None,
    remove_content: Annotated[
        bool, typer.Option("--remove-content", help="Remove their posts in the community.")
    ] = False,
    reason: Reason = "",
    as_user: AsUser = None,
) -> None:
    """Ban ACCT from the community NAME."""
    typer.echo(run(ban(load_settings(), name, acct, days, remove_content, reason, as_user)))


@app.command("unban")
@command
def mod_unban(name: str, acct: str, reason: Reason = "", as_user: AsUser = None) -> None:
    """Lift ACCT's ban from NAME."""
    typer.echo(run(ban(load_settings(), name, acct, None, False, reason, as_user, lift=True)))


@app.command("queue")
@command
def mod_queue(name: str) -> None:
    """List the posts of NAME waiting for a moderator (pre-moderation)."""
    for line in run(queue(load_settings(), name)):
        typer.echo(line)


@app.command("approve")
@command
def mod_approve(url: str, as_user: AsUser = None, reason: Reason = "") -> None:
    """Approve a held post: it is shown and announced as usual."""
    typer.echo(run(held(load_settings(), url, as_user, reason, approve=True)))


@app.command("reject")
@command
def mod_reject(url: str, reason: Reason = "", as_user: AsUser = None) -> None:
    """Reject a held post: it never appears; its author receives a Reject with the reason."""
    typer.echo(run(held(load_settings(), url, as_user, reason, approve=False)))


@app.command("reports")
@command
def mod_reports(
    name: str, all_: Annotated[bool, typer.Option("--all", help="Resolved ones too.")] = False
) -> None:
    """List the reports about NAME (who reported is for moderators' eyes only)."""
    for line in run(reports(load_settings(), name, all_)):
        typer.echo(line)


@app.command("resolve")
@command
def mod_resolve(report_id: int, as_user: AsUser = None) -> None:
    """Mark report ID resolved."""
    typer.echo(run(resolve(load_settings(), report_id, as_user)))


async def on_post(settings: Settings, kind: str, url: str, as_user: str | None, reason: str) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        result = await moderation.act_on_post(conn, ctx.urls, who, kind, url, reason)
    return describe(result)


async def ban(
    settings: Settings,
    name: str,
    acct: str,
    days: int | None,
    remove_content: bool,
    reason: str,
    as_user: str | None,
    *,
    lift: bool = False,
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        person = await find_actor_by_handle(ctx, acct)
        if lift:
            result = await moderation.unban(conn, ctx.urls, who, group, person, reason)
        else:
            result = await moderation.ban(
                conn,
                ctx.urls,
                who,
                group,
                person,
                reason=reason,
                days=days,
                remove_data=remove_content,
            )
    return describe(result)


async def queue(settings: Settings, name: str) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await find_group(ctx, name)
        rows = await held_posts(conn, group)
    if not rows:
        return [f"no posts wait in {group.handle}"]
    return [
        f"{r['object_uri']}\t@{r['author_username']}@{r['author_domain']}"
        f"\t{r['created_at']:%Y-%m-%d %H:%M}\t{(r['object'].get('name') or '')[:80]}"
        for r in rows
    ]


async def held(
    settings: Settings, url: str, as_user: str | None, reason: str, *, approve: bool
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        result = await moderation.decide_held(
            conn, ctx.urls, who, url, approve=approve, reason=reason
        )
    return describe(result)


async def reports(settings: Settings, name: str, resolved: bool) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await find_group(ctx, name)
        rows = await list_reports(conn, group, resolved=resolved)
    if not rows:
        return [f"no open reports about {group.handle}"]
    return [
        f"{r['id']}\t{r['state']}\tby @{r['reporter_username']}@{r['reporter_domain']}"
        f"\t{' '.join(r['target_uris'])}\t{r['content'][:200]}"
        for r in rows
    ]


async def resolve(settings: Settings, report_id: int, as_user: str | None) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        result = await moderation.resolve(conn, ctx.urls, who, report_id)
    return describe(result)
