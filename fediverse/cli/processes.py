"""``fediverse serve``, ``fediverse worker`` and ``fediverse migrate``: running the server."""

from __future__ import annotations

from typing import Annotated

import typer

from community.settings import Settings, load_settings
from community.storage.database import connect
from community.storage.migrations import migrate as apply_migrations
from fediverse.cli.common import command, run
from fediverse.runtime import database
from fediverse.server import run_server
from fediverse.worker import main_worker

app = typer.Typer()


@app.command()
@command
def serve(
    dev: Annotated[bool, typer.Option(help="Development defaults: http://localhost:PORT.")] = False,
    demo: Annotated[bool, typer.Option(help="Create the demo community on first start.")] = False,
    host: Annotated[str | None, typer.Option(help="Bind address (FEDIVERSE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Bind port (FEDIVERSE_PORT).")] = None,
) -> None:
    """Run the web server (with its workers in-process unless FEDIVERSE_RUN_WORKERS=false)."""
    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    settings = load_settings(dev=dev, require_domain=True, **overrides)
    run_server(settings, demo=demo)


@app.command()
@command
def worker() -> None:
    """Run the inbox and delivery workers in this process (start as many as you like, anywhere)."""
    main_worker(load_settings())


@app.command()
@command
def migrate() -> None:
    """Apply pending database migrations."""
    applied = run(migrate_database(load_settings()))
    typer.echo(f"applied {applied} migration(s)" if applied else "the database is up to date")


async def migrate_database(settings: Settings) -> int:
    async with database(settings) as db, connect(db.url) as conn:
        return len(await apply_migrations(conn))
