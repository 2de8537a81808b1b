"""``fediverse user export|import-follows|alias|move|delete``: a member's account, carried to
another server or closed for good."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from community.actors import Actor, get_local_actor
from community.errors import InvalidInput
from community.portability import account_archive, following_csv, read_follows_csv
from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, management, run
from outbox.accounts import delete_account, import_follows, move_account, set_aliases
from outbox.moves import resolve_fresh

app = typer.Typer(help="Members' accounts: export, move, delete.")


@app.command("export")
@command
def user_export(
    name: str,
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    following_only: Annotated[
        bool, typer.Option("--following", help="Only following_accounts.csv (Mastodon's).")
    ] = False,
) -> None:
    """Write NAME's archive (actor.json, outbox.json, likes.json, following_accounts.csv)."""
    data = run(export_command(load_settings(), name, following_only))
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output} ({len(data)} bytes)")


@app.command("import-follows")
@command
def user_import_follows(
    name: str, csv_file: Annotated[Path, typer.Argument(help="following_accounts.csv")]
) -> None:
    """NAME follows every account of a follows list (Mastodon's CSV, or one a line)."""
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {csv_file}: {exc}") from None
    for line in run(import_follows_command(load_settings(), name, read_follows_csv(text))):
        typer.echo(line)


@app.command("alias")
@command
def user_alias(
    name: str,
    accounts: Annotated[
        list[str] | None, typer.Argument(help="@name@host of NAME's other accounts.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Name no other account.")] = False,
) -> None:
    """Set NAME's other accounts (alsoKnownAs): an account moving here must be named first."""
    if not accounts and not clear:
        raise InvalidInput("name the other accounts, or --clear")
    typer.echo(run(alias_command(load_settings(), name, [] if clear else accounts or [])))


@app.command("move")
@command
def user_move(
    name: str, to: Annotated[str, typer.Option("--to", help="The new account, @name@host.")]
) -> None:
    """Move NAME's followers to another account (which must name NAME in alsoKnownAs)."""
    typer.echo(run(move_command(load_settings(), name, to)))


@app.command("delete")
@command
def user_delete(
    name: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do it: there is no undo.")] = False,
) -> None:
    """Delete NAME for good: every server that knows them hears it; the name stays taken."""
    if not yes:
        raise InvalidInput(f"deleting {name} cannot be undone: run again with --yes")
    typer.echo(run(delete_command(load_settings(), name)))


async def export_command(settings: Settings, name: str, following_only: bool) -> bytes:
    async with management(settings) as (conn, _):
        person = await get_local_actor(conn, name)
        if following_only:
            return (await following_csv(conn, person)).encode()
        return await account_archive(conn, person)


async def import_follows_command(settings: Settings, name: str, accounts: list[str]) -> list[str]:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        person = await get_local_actor(conn, name)
        done = await import_follows(ctx, conn, person, accounts)
    lines = [f"asked to follow {len(done.followed)} of {len(accounts)} accounts"]
    return lines + [f"not followed: {failure}" for failure in done.failed]


async def alias_command(settings: Settings, name: str, handles: list[str]) -> str:
    async with federating(settings) as ctx:
        aliases: list[Actor] = [await resolve_fresh(ctx, h) for h in handles]
        async with ctx.pool.acquire() as conn:
            person = await get_local_actor(conn, name)
            changed = await set_aliases(conn, ctx.urls, person, aliases)
    listed = ", ".join(changed.also_known_as) or "no other account"
    return f"{changed.handle} is also known as: {listed}"


async def move_command(settings: Settings, name: str, to: str) -> str:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        person = await get_local_actor(conn, name)
        moved = await move_account(ctx, conn, person, to)
    return f"{moved.handle} moved to {moved.moved_to_uri}; its followers were told"


async def delete_command(settings: Settings, name: str) -> str:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        person = await get_local_actor(conn, name)
        told = await delete_account(conn, ctx.urls, person)
    return f"deleted {person.handle}; {told} inbox(es) will hear of it; the name stays taken"
