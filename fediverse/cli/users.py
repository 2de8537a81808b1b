"""``fediverse user …``: local people — create, approve, suspend, reset, list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from community.accounts import create_user, set_password, set_state
from community.settings import Settings, load_settings
from fediverse.cli.common import command, management, run
from fediverse.cli.listing import list_actors

app = typer.Typer(help="Manage local people.", no_args_is_help=True)


@app.command("create")
@command
def user_create(
    name: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    admin: Annotated[bool, typer.Option(help="Make this person an administrator.")] = False,
) -> None:
    """Create a local person (who can sign in once they have a password)."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    handle = run(create_user_command(load_settings(), name, password, admin))
    typer.echo(f"created user {handle}")


@app.command("approve")
@command
def user_approve(name: str) -> None:
    """Let NAME, who signed up while sign-ups need approval, sign in."""
    typer.echo(run(set_user_state(load_settings(), name, "active")))


@app.command("suspend")
@command
def user_suspend(name: str) -> None:
    """Stop NAME from signing in; their app tokens and sessions stop working."""
    typer.echo(run(set_user_state(load_settings(), name, "suspended")))


@app.command("unsuspend")
@command
def user_unsuspend(name: str) -> None:
    """Let a suspended NAME sign in again."""
    typer.echo(run(set_user_state(load_settings(), name, "active")))


@app.command("reset")
@command
def user_reset(name: str) -> None:
    """Give NAME a new password, read from standard input; signs out every app and browser."""
    password = sys.stdin.readline().rstrip("\r\n")
    typer.echo(run(reset_password(load_settings(), name, password)))


@app.command("list")
@command
def user_list() -> None:
    """List local people."""
    for line in run(list_actors(load_settings(), "Person")):
        typer.echo(line)


async def create_user_command(
    settings: Settings, name: str, password: str | None, admin: bool
) -> str:
    async with management(settings) as (conn, urls):
        user = await create_user(conn, urls, name, password=password, is_admin=admin)
    return f"@{user.username}@{urls.domain} ({user.uri})"


async def set_user_state(settings: Settings, name: str, state: str) -> str:
    async with management(settings) as (conn, urls):
        await set_state(conn, name, state)
    word = {"active": "can sign in", "suspended": "is suspended"}[state]
    return f"@{name}@{urls.domain} {word}"


async def reset_password(settings: Settings, name: str, password: str) -> str:
    async with management(settings) as (conn, urls):
        await set_password(conn, name, password)
    return f"new password set for @{name}@{urls.domain}; every app and browser is signed out"
