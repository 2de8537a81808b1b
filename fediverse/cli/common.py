"""What every CLI command shares: expected errors become one line and exit status 1, and the
ways a command reaches the server's state (a database connection, a federating context that
can also fetch from other servers, and a moderator's: who acts, ``--as USER`` or the admin)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
import typer

from community.actors import Actor, get_local_actor
from community.context import AppContext, open_context
from community.errors import FediverseError, InvalidInput
from community.names import InvalidName
from community.settings import Settings, SettingsError
from community.storage.database import Conn, DatabaseError, connect
from community.storage.embedded import EmbeddedPostgresError
from community.urls import Urls
from federation.errors import FederationError, FetchError
from fediverse.runtime import database, open_pool, served_urls
from outbox.errors import OutboxError
from outbox.moderation import Moderator, as_admin

EXPECTED_ERRORS = (
    FederationError,
    FediverseError,
    OutboxError,
    InvalidName,
    SettingsError,
    DatabaseError,
    EmbeddedPostgresError,
)

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def command(func: Callable[..., T]) -> Callable[..., T]:
    """Turn our expected errors into one line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except EXPECTED_ERRORS as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return wrapper


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@asynccontextmanager
async def management(settings: Settings) -> AsyncIterator[tuple[asyncpg.Connection, Urls]]:
    """A connection to a migrated database and the public URLs it belongs to."""
    async with database(settings) as db:
        urls = await served_urls(settings, db.url)
        async with connect(db.url) as conn:
            yield conn, urls


@asynccontextmanager
async def federating(settings: Settings) -> AsyncIterator[AppContext]:
    """A context that can fetch from other servers (for lookups and members' actions)."""
    async with database(settings) as db:
        urls = await served_urls(settings, db.url)
        pool = await open_pool(db.url, max_size=4)
        try:
            ctx = await open_context(settings, urls, pool)
            try:
                yield ctx
            finally:
                await ctx.aclose()
        finally:
            await pool.close()


@asynccontextmanager
async def moderating(
    settings: Settings, as_user: str | None
) -> AsyncIterator[tuple[AppContext, Conn, Moderator]]:
    """A federating context, a connection, and who acts: the local person ``as_user`` (a
    moderator), or without it the admin (the instance actor)."""
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        if as_user is None:
            who = await as_admin(conn, ctx.urls)
        else:
            person = await get_local_actor(conn, as_user)
            if person.type != "Person":
                raise InvalidInput(f"{as_user!r} is a group; only people moderate")
            who = Moderator(person)
        yield ctx, conn, who


async def find_group(ctx: AppContext, name: str) -> Actor:
    """A local group's name, or a group elsewhere as ``@name@host``."""
    group = await find_actor_by_handle(ctx, name)
    if not group.is_group:
        raise InvalidInput(f"{name!r} is a person, not a group")
    return group


async def find_actor_by_handle(ctx: AppContext, handle: str) -> Actor:
    """A local name, or ``@name@host`` (looked up by WebFinger)."""
    if "@" not in handle.lstrip("@"):
        async with ctx.pool.acquire() as conn:
            return await get_local_actor(conn, handle)
    try:
        return await ctx.remote.resolve_handle(handle)
    except FetchError as exc:
        raise InvalidInput(f"cannot look up {handle}: {exc}") from None
