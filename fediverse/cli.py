"""The ``fediverse`` command: serve, migrate, and manage groups and people.

Every failure ends with one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fediverse.cli_common import command, run
from fediverse.cli_domains import domain_app
from fediverse.cli_members import member_app
from fediverse.cli_status import status
from fediverse.settings import Settings, load_settings

app = typer.Typer(
    help="A federated ActivityPub community server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
group_app = typer.Typer(help="Manage communities (groups).", no_args_is_help=True)
user_app = typer.Typer(help="Manage local people.", no_args_is_help=True)
app.add_typer(group_app, name="group")
app.add_typer(user_app, name="user")
app.add_typer(member_app, name="member")
app.add_typer(domain_app, name="domain")


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
    from fediverse.server import run_server

    run_server(settings, demo=demo)


@app.command()
@command
def migrate() -> None:
    """Apply pending database migrations."""
    from fediverse.commands import migrate_database

    settings = load_settings()
    applied = run(migrate_database(settings))
    typer.echo(f"applied {applied} migration(s)" if applied else "the database is up to date")


@group_app.command("create")
@command
def group_create(
    name: str,
    title: Annotated[str, typer.Option(help="Display name.")] = "",
    summary: Annotated[str, typer.Option(help="Description (plain text or HTML).")] = "",
    closed: Annotated[bool, typer.Option(help="Moderators approve each new member.")] = False,
    posting: Annotated[
        str, typer.Option(help="Who may post: members, anyone or moderators.")
    ] = "members",
    moderator: Annotated[
        list[str] | None, typer.Option(help="A local person who moderates (repeatable).")
    ] = None,
) -> None:
    """Create a community."""
    from fediverse.commands import create_group_command

    settings = load_settings()
    handle = run(
        create_group_command(settings, name, title, summary, closed, posting, moderator or [])
    )
    typer.echo(f"created group {handle}")


@group_app.command("requests")
@command
def group_requests(name: str) -> None:
    """List pending requests to join a closed group."""
    from fediverse.commands import requests_command

    for line in run(requests_command(load_settings(), name)):
        typer.echo(line)


@group_app.command("approve")
@command
def group_approve(name: str, handle: str) -> None:
    """Let HANDLE (@name@host) join the closed group NAME."""
    from fediverse.commands import answer_request_command

    typer.echo(run(answer_request_command(load_settings(), name, handle, approve=True)))


@group_app.command("reject")
@command
def group_reject(name: str, handle: str) -> None:
    """Refuse HANDLE's request to join the closed group NAME."""
    from fediverse.commands import answer_request_command

    typer.echo(run(answer_request_command(load_settings(), name, handle, approve=False)))


@app.command()
@command
def lookup(handle: str) -> None:
    """Find an account by @name@host (WebFinger) and print what we know of it."""
    from fediverse.commands import lookup_command

    for line in run(lookup_command(load_settings(), handle)):
        typer.echo(line)


@group_app.command("list")
@command
def group_list() -> None:
    """List the communities hosted here."""
    from fediverse.commands import list_actors_command

    for line in run(list_actors_command(load_settings(), "Group")):
        typer.echo(line)


@user_app.command("create")
@command
def user_create(
    name: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    admin: Annotated[bool, typer.Option(help="Make this person an administrator.")] = False,
) -> None:
    """Create a local person (who can sign in once they have a password)."""
    from fediverse.commands import create_user_command

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    handle = run(create_user_command(load_settings(), name, password, admin))
    typer.echo(f"created user {handle}")


@user_app.command("approve")
@command
def user_approve(name: str) -> None:
    """Let NAME, who signed up while sign-ups need approval, sign in."""
    from fediverse.commands import set_user_state_command

    typer.echo(run(set_user_state_command(load_settings(), name, "active")))


@user_app.command("suspend")
@command
def user_suspend(name: str) -> None:
    """Stop NAME from signing in; their app tokens and sessions stop working."""
    from fediverse.commands import set_user_state_command

    typer.echo(run(set_user_state_command(load_settings(), name, "suspended")))


@user_app.command("unsuspend")
@command
def user_unsuspend(name: str) -> None:
    """Let a suspended NAME sign in again."""
    from fediverse.commands import set_user_state_command

    typer.echo(run(set_user_state_command(load_settings(), name, "active")))


@user_app.command("reset")
@command
def user_reset(name: str) -> None:
    """Give NAME a new password, read from standard input; signs out every app and browser."""
    from fediverse.commands import reset_password_command

    password = sys.stdin.readline().rstrip("\r\n")
    typer.echo(run(reset_password_command(load_settings(), name, password)))


@user_app.command("list")
@command
def user_list() -> None:
    """List local people."""
    from fediverse.commands import list_actors_command

    for line in run(list_actors_command(load_settings(), "Person")):
        typer.echo(line)


import fediverse.cli_deliveries  # noqa: E402, F401  (registers `worker` and `deliveries`)

app.command()(status)


def main() -> None:
    app()


__all__ = ["Settings", "app", "main"]
