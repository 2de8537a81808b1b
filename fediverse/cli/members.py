"""``fediverse member …``: act as a local person (what their app would do), for admins,
demos and tests: follow, unfollow, post, delete, like."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import typer

from community.actors import Actor, get_local_actor
from community.context import AppContext
from community.errors import InvalidInput
from community.posts import Post, find_post
from community.settings import load_settings
from community.storage.database import Conn
from fediverse.cli.common import command, federating, find_actor_by_handle, run
from outbox import actions

app = typer.Typer(help="Act as a local person: follow, post, reply…", no_args_is_help=True)

Act = Callable[[AppContext, Conn, Actor], Awaitable[str]]


@app.command("follow")
@command
def follow(
    name: str, handle: Annotated[str, typer.Argument(help="@group@host or a local name")]
) -> None:
    """NAME follows (joins) HANDLE."""

    async def act(ctx: AppContext, conn: Conn, person: Actor) -> str:
        target = await find_actor_by_handle(ctx, handle)
        await actions.follow(conn, ctx.urls, person, target)
        return f"{person.handle} followed {target.handle}"

    _act_as(name, act)


@app.command("unfollow")
@command
def unfollow(name: str, handle: str) -> None:
    """NAME stops following (leaves) HANDLE."""

    async def act(ctx: AppContext, conn: Conn, person: Actor) -> str:
        target = await find_actor_by_handle(ctx, handle)
        await actions.unfollow(conn, ctx.urls, person, target)
        return f"{person.handle} unfollowed {target.handle}"

    _act_as(name, act)


@app.command("post")
@command
def post(
    name: str,
    text: str,
    group: Annotated[str | None, typer.Option(help="Post into this group (@name@host).")] = None,
    reply_to: Annotated[str | None, typer.Option(help="Reply to this post (its id).")] = None,
    title: Annotated[str | None, typer.Option(help="A title (a thread, as on Lemmy).")] = None,
) -> None:
    """NAME posts TEXT; prints the new post's id."""

    async def act(ctx: AppContext, conn: Conn, person: Actor) -> str:
        target = await find_actor_by_handle(ctx, group) if group else None
        published = await actions.publish(
            conn, ctx.urls, person, text, group=target, in_reply_to=reply_to, title=title
        )
        return published.uri

    _act_as(name, act)


@app.command("delete")
@command
def delete(name: str, uri: str) -> None:
    """NAME deletes their post URI."""

    async def act(ctx: AppContext, conn: Conn, person: Actor) -> str:
        await actions.delete(conn, ctx.urls, person, await _post(conn, uri))
        return f"deleted {uri}"

    _act_as(name, act)


@app.command("like")
@command
def like(name: str, uri: str) -> None:
    """NAME likes the post URI."""

    async def act(ctx: AppContext, conn: Conn, person: Actor) -> str:
        await actions.like(conn, ctx.urls, person, await _post(conn, uri))
        return f"liked {uri}"

    _act_as(name, act)


def _act_as(name: str, act: Act) -> None:
    typer.echo(run(act_as(name, act)))


async def act_as(name: str, act: Act) -> str:
    """Run ``act`` as the local person NAME, with a context that federates."""
    async with federating(load_settings()) as ctx, ctx.pool.acquire() as conn:
        person = await get_local_actor(conn, name)
        if person.type != "Person":
            raise InvalidInput(f"{name!r} is a group; groups do not act this way")
        return await act(ctx, conn, person)


async def _post(conn: Conn, uri: str) -> Post:
    found = await find_post(conn, uri)
    if found is None:
        raise InvalidInput(f"no post {uri} here")
    return found
