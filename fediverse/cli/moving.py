"""``fediverse group export|import|move|alias``: a community leaves this server, or arrives on it.

``export`` writes the community's archive (docs/portability.md); ``import`` re-creates one
here from its archive (run it again to take in what changed since: it changes nothing it
already has); ``move`` asks the moderators to move the community to the group an import
made elsewhere (it needs their quorum: see ``fediverse group proposals``); ``alias`` names
the communities a group here also was, for a move into it that no import prepared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from community.actors import get_local_actor
from community.errors import InvalidInput
from community.portability import export_group, import_group, read_archive
from community.portability.archive import MAX_TOTAL_BYTES, ArchiveRefused
from community.portability.moves import set_also_known_as
from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, find_group, management, moderating, run
from outbox.governance.views import describe
from outbox.moves import move_group, resolve_fresh

app = typer.Typer(help="Move communities between servers.")

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
]


@app.command("export")
@command
def group_export(
    name: str,
    output: Annotated[Path, typer.Option("--output", "-o", help="The archive to write.")],
    include_key: Annotated[
        bool,
        typer.Option(
            "--include-key",
            help="Add the group's private key: only for a move to a server its moderators "
            "trust (whoever holds it can speak as the group).",
        ),
    ] = False,
) -> None:
    """Write community NAME's archive (a tar.gz) to --output."""
    data = run(export_command(load_settings(), name, include_key))
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output} ({len(data)} bytes)")


@app.command("import")
@command
def group_import(
    archive: Annotated[Path, typer.Argument(help="A community archive (tar.gz).")],
    as_name: Annotated[str, typer.Option("--as", help="The community's name here.")],
) -> None:
    """Re-create a community here from its archive, as --as NAME."""
    for line in run(import_command(load_settings(), read_file(archive), as_name)):
        typer.echo(line)


@app.command("move")
@command
def group_move(
    name: str,
    to: Annotated[str, typer.Option("--to", help="The new community, as @name@host.")],
    as_user: AsUser = None,
    reason: Annotated[str, typer.Option(help="Why (shown on the moderation log).")] = "",
) -> None:
    """Move community NAME and its followers to --to (which must list NAME in alsoKnownAs)."""
    typer.echo(run(move_command(load_settings(), name, to, as_user, reason)))


@app.command("alias")
@command
def group_alias(
    name: str,
    communities: Annotated[
        list[str] | None, typer.Argument(help="The communities NAME was (@name@host or id).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Name no other community.")] = False,
) -> None:
    """Set the communities NAME also was (alsoKnownAs): a community moves only to a group that
    names it (an import names its archive's)."""
    if not communities and not clear:
        raise InvalidInput("name the other communities, or --clear")
    typer.echo(run(alias_command(load_settings(), name, [] if clear else communities or [])))


def read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_TOTAL_BYTES:
            raise ArchiveRefused("the archive is larger than this server reads")
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


async def export_command(settings: Settings, name: str, include_key: bool) -> bytes:
    async with management(settings) as (conn, urls):
        group = await get_local_actor(conn, name)
        return await export_group(conn, urls, group, include_key=include_key)


async def import_command(settings: Settings, data: bytes, name: str) -> list[str]:
    archive = read_archive(data)
    async with federating(settings) as ctx:
        report = await import_group(ctx, archive, name)
    return report.lines()


async def alias_command(settings: Settings, name: str, refs: list[str]) -> str:
    async with federating(settings) as ctx:
        others = [await resolve_fresh(ctx, ref) for ref in refs]
        async with ctx.pool.acquire() as conn:
            group = await get_local_actor(conn, name)
            if not group.is_group or any(not other.is_group for other in others):
                raise InvalidInput("a community's other names are communities")
            changed = await set_also_known_as(conn, group, [o.uri for o in others])
    listed = ", ".join(changed.also_known_as) or "no other community"
    return f"{changed.handle} is also known as: {listed}"


async def move_command(
    settings: Settings, name: str, to: str, as_user: str | None, reason: str
) -> str:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        result = await move_group(ctx, conn, who, group, to, reason)
    return describe(result)
