"""``fediverse member …``: act as a local person (what their app would do), for admins,
demos and tests: follow, unfollow, post, delete, like."""

from __future__ import annotations

from typing import Annotated

import typer

from fediverse.cli_common import command, run
from fediverse.settings import load_settings

member_app = typer.Typer(help="Act as a local person: follow, post, reply…", no_args_is_help=True)


def _act(action: str, name: str, **kwargs: str | None) -> None:
    from fediverse.commands import member_command

    typer.echo(run(member_command(load_settings(), action, name, **kwargs)))


@member_app.command("follow")
@command
def follow(
    name: str, handle: Annotated[str, typer.Argument(help="@group@host or a local name")]
) -> None:
    """NAME follows (joins) HANDLE."""
    _act("follow", name, handle=handle)


@member_app.command("unfollow")
@command
def unfollow(name: str, handle: str) -> None:
    """NAME stops following (leaves) HANDLE."""
    _act("unfollow", name, handle=handle)


@member_app.command("post")
@command
def post(
    name: str,
    text: str,
    group: Annotated[str | None, typer.Option(help="Post into this group (@name@host).")] = None,
    reply_to: Annotated[str | None, typer.Option(help="Reply to this post (its id).")] = None,
    title: Annotated[str | None, typer.Option(help="A title (a thread, as on Lemmy).")] = None,
) -> None:
    """NAME posts TEXT; prints the new post's id."""
    _act("post", name, text=text, group=group, reply_to=reply_to, title=title)


@member_app.command("delete")
@command
def delete(name: str, uri: str) -> None:
    """NAME deletes their post URI."""
    _act("delete", name, uri=uri)


@member_app.command("like")
@command
def like(name: str, uri: str) -> None:
    """NAME likes the post URI."""
    _act("like", name, uri=uri)
