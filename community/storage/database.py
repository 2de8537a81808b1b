"""The asyncpg pool, opened once in the lifespan and handed down."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

log = logging.getLogger(__name__)

Record = asyncpg.Record
# What repository functions take: a plain connection or one borrowed from the pool.
Conn = asyncpg.Connection | PoolConnectionProxy


class DatabaseError(Exception):
    """The database cannot be reached or is not in a state we can run with."""


def _encode_json(value: Any) -> str:
    return orjson.dumps(value).decode()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, schema="pg_catalog", encoder=_encode_json, decoder=orjson.loads
        )


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """Open a pool whose connections speak JSON through orjson."""
    try:
        pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, init=_init_connection
        )
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from None
    assert pool is not None
    return pool


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[asyncpg.Connection]:
    """One connection for a short command (CLI, migrations)."""
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError) as exc:
        raise DatabaseError(f"cannot connect to PostgreSQL at {redact(url)}: {exc}") from None
    await _init_connection(conn)
    try:
        yield conn
    finally:
        await conn.close()


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}" if ":" in credentials else url
