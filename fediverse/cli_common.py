"""What every CLI command shares: expected errors become one line and exit status 1."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import typer

from federation.errors import FederationError
from fediverse.errors import FediverseError
from fediverse.names import InvalidName
from fediverse.settings import SettingsError
from fediverse.storage.database import DatabaseError
from fediverse.storage.embedded import EmbeddedPostgresError
from outbox.errors import OutboxError

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
