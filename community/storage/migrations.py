"""Numbered plain-SQL migrations, applied in order under an advisory lock.

Files are ``migrations/NNNN_description.sql``. Each runs in its own transaction and is recorded in
``schema_migrations``. A database that has a migration newer than this code is refused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

from community.storage.database import Conn, DatabaseError

log = logging.getLogger(__name__)

_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any fixed 64-bit number: all processes that migrate this schema agree on it.
_LOCK_ID = 0x6665646976657273


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The migrations shipped with this code, in order."""
    found: list[Migration] = []
    for entry in (resources.files("community.storage") / "migrations").iterdir():
        match = _FILE_RE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise DatabaseError("two migrations share a number")
    return found


async def applied_versions(conn: Conn) -> set[int]:
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return set()
    return {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}


async def pending_migrations(conn: Conn) -> list[Migration]:
    """What :func:`migrate` would apply; refuses a database newer than the code."""
    known = available_migrations()
    applied = await applied_versions(conn)
    newest_known = known[-1].version if known else 0
    unknown = sorted(v for v in applied if v > newest_known)
    if unknown:
        raise DatabaseError(
            f"the database has migration {unknown[-1]}, newer than this code knows "
            f"(up to {newest_known}): upgrade fediverse before running it against this database"
        )
    return [m for m in known if m.version not in applied]


async def migrate(conn: Conn) -> list[Migration]:
    """Apply every pending migration; safe when several processes start at once."""
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version integer PRIMARY KEY,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        pending = await pending_migrations(conn)
        for migration in pending:
            log.info("applying migration %04d_%s", migration.version, migration.name)
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
        return pending
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
