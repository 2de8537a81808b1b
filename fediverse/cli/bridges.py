"""``fediverse group bridge …``: one community follows another (here or on another server) and
carries its posts to its own members (docs/bridges.md).

Making or cutting a bridge is a governance act: with two moderators or more it is a proposal
the others approve (``fediverse group proposals``). Who acts: ``--as USER`` (a moderator), or
the admin. Communities are named as NAME (ours) or ``@name@host``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from community.errors import InvalidInput
from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, find_group, moderating, run
from outbox import bridges
from outbox.bridges import BridgesView
from outbox.governance.views import describe

app = typer.Typer(
    help="Bridges: a community follows another and carries its posts.", no_args_is_help=True
)

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
]
Reason = Annotated[str, typer.Option(help="Why (shown on the moderation log).")]
FilterOption = Annotated[
    str, typer.Option("--filter", help="What crosses: 'top' (threads only) or 'all'.")
]
Words = Annotated[
    list[str] | None,
    typer.Option("--word", help="Only threads mentioning one of these words cross (repeatable)."),
]
Muted = Annotated[
    list[str] | None,
    typer.Option("--mute", help="Threads mentioning this word never cross (repeatable)."),
]
FILTERS = ("top", "all")


def _checked(filter_: str) -> str:
    if filter_ not in FILTERS:
        raise InvalidInput(f"--filter must be one of {', '.join(FILTERS)}")
    return filter_


@app.command("add")
@command
def bridge_add(
    name: str,
    acct: str,
    filter_: FilterOption = "all",
    word: Words = None,
    mute: Muted = None,
    reason: Reason = "",
    as_user: AsUser = None,
) -> None:
    """NAME follows the community ACCT and carries its posts (the quorum decides)."""
    terms = (_checked(filter_), word or [], mute or [])
    typer.echo(run(change(load_settings(), "add", name, acct, as_user, reason, terms)))


@app.command("remove")
@command
def bridge_remove(name: str, acct: str, reason: Reason = "", as_user: AsUser = None) -> None:
    """Cut the bridge from ACCT into NAME: nothing crosses it from then on."""
    typer.echo(run(change(load_settings(), "remove", name, acct, as_user, reason)))


@app.command("filter")
@command
def bridge_filter(
    name: str,
    acct: str,
    filter_: FilterOption = "all",
    word: Words = None,
    mute: Muted = None,
    reason: Reason = "",
    as_user: AsUser = None,
) -> None:
    """Change what crosses the bridge from ACCT into NAME."""
    terms = (_checked(filter_), word or [], mute or [])
    typer.echo(run(change(load_settings(), "filter", name, acct, as_user, reason, terms)))


@app.command("withdraw")
@command
def bridge_withdraw(name: str, url: str, reason: Reason = "", as_user: AsUser = None) -> None:
    """Take down, in NAME only, the post URL it carried over a bridge (its source keeps it)."""
    typer.echo(run(withdraw(load_settings(), name, url, as_user, reason)))


@app.command("recommend")
@command
def bridge_recommend(
    name: str,
    acct: str,
    undo: Annotated[bool, typer.Option("--undo", help="No longer recommend it.")] = False,
    as_user: AsUser = None,
) -> None:
    """NAME recommends the community ACCT (its ``recommended`` collection, the directory)."""
    typer.echo(run(recommend(load_settings(), name, acct, as_user, add=not undo)))


@app.command("list")
@command
def bridge_list(name: str) -> None:
    """NAME's bridges, the communities that bridge it, and what it recommends."""
    for line in run(listing(load_settings(), name)):
        typer.echo(line)


async def change(
    settings: Settings,
    what: str,
    name: str,
    acct: str,
    as_user: str | None,
    reason: str,
    terms: tuple[str, list[str], list[str]] = ("all", [], []),
) -> str:
    filter_, words, muted = terms
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        source = await find_group(ctx, acct)
        if what == "remove":
            result = await bridges.cut_bridge(conn, ctx.urls, who, group, source, reason)
        else:
            act = bridges.make_bridge if what == "add" else bridges.filter_bridge
            result = await act(
                conn,
                ctx.urls,
                who,
                group,
                source,
                filter_=filter_,
                words=words,
                muted=muted,
                reason=reason,
            )
    return describe(result)


async def withdraw(
    settings: Settings, name: str, url: str, as_user: str | None, reason: str
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        result = await bridges.remove_bridged_post(conn, ctx.urls, who, group, url, reason)
    return describe(result)


async def recommend(
    settings: Settings, name: str, acct: str, as_user: str | None, *, add: bool
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        other = await find_group(ctx, acct)
        result = await bridges.recommend_community(conn, ctx.urls, who, group, other, add=add)
    return describe(result)


def render_view(view: BridgesView) -> list[str]:
    lines = [
        f"bridge from {b.source_handle}\t{b.state}\tfilter {b.filter}"
        f"{' words ' + ','.join(b.words) if b.words else ''}"
        f"{' muted ' + ','.join(b.muted) if b.muted else ''}\tcarried {b.carried}"
        for b in view.bridges
    ]
    lines += [f"bridged by {uri}\t{state}" for uri, state in view.bridged_by]
    lines += [f"recommends {uri}" for uri in view.recommends]
    lines.append(f"relays: {'published' if view.relayed else 'not published'}")
    return lines


async def listing(settings: Settings, name: str) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await find_group(ctx, name)
        if not group.local:
            raise InvalidInput(f"{group.handle} is another server's community")
        view = await bridges.bridges_view(conn, group)
    return render_view(view)
