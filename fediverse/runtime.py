"""Start-up shared by every process (serve, worker, CLI): database, migrations, instance actor."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from community.actors import ensure_instance_actor, find_instance_actor
from community.settings import Settings, SettingsError, check_production
from community.storage.database import DatabaseError, connect, create_pool
from community.storage.embedded import EmbeddedPostgres
from community.storage.migrations import applied_versions, migrate, pending_migrations
from community.urls import Urls

log = logging.getLogger(__name__)


@dataclass
class Database:
    """Where our PostgreSQL is, and the embedded server if we started one."""

    url: str
    embedded: EmbeddedPostgres | None = None

    def close(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None


def open_database(settings: Settings, *, announce: bool = False) -> Database:
    """``DATABASE_URL`` when set, else the embedded PostgreSQL under the data directory.

    ``announce``: say (as a warning) that the embedded server is in use. Processes that serve
    and ``fediverse status`` do; other commands print their result and nothing else.
    """
    check_production(settings)
    if settings.database_url:
        return Database(settings.database_url)
    embedded = EmbeddedPostgres(settings.data_dir / "postgres")
    url = embedded.start()
    if announce:
        log.warning("%s", embedded.notice)
    return Database(url, embedded)


@asynccontextmanager
async def database(settings: Settings, *, announce: bool = False) -> AsyncIterator[Database]:
    db = open_database(settings, announce=announce)
    try:
        yield db
    finally:
        db.close()


async def prepare_database(url: str, urls: Urls | None, *, apply_migrations: bool) -> None:
    """Apply (or check) migrations; with a public URL known, make sure the instance actor exists."""
    async with connect(url) as conn:
        if apply_migrations:
            applied = await migrate(conn)
            if applied:
                log.info("applied %d migration(s)", len(applied))
        else:
            pending = await pending_migrations(conn)
            if pending:
                raise DatabaseError(
                    f"{len(pending)} migration(s) are pending: run `fediverse migrate` first"
                )
        if urls is not None:
            instance = await ensure_instance_actor(conn, urls)
            if instance.uri != urls.instance_actor_uri:
                raise DatabaseError(
                    f"this database belongs to {instance.uri.removesuffix('/actor')}, but the "
                    f"settings say {urls.base_url}: fix FEDIVERSE_DOMAIN / FEDIVERSE_SCHEME"
                )


async def stored_urls(url: str) -> Urls | None:
    """The public base URL recorded by the first start (the instance actor's), if any."""
    async with connect(url) as conn:
        if not await applied_versions(conn):
            return None
        instance = await find_instance_actor(conn)
    return None if instance is None else Urls(instance.uri.removesuffix("/actor"))


async def open_pool(url: str, *, max_size: int = 10) -> asyncpg.Pool:
    return await create_pool(url, max_size=max_size)


async def served_urls(settings: Settings, database_url: str) -> Urls:
    """The public URLs: from the settings, else those the database was first served with."""
    urls = Urls(settings.base_url) if settings.domain else await stored_urls(database_url)
    if urls is None:
        raise SettingsError(
            "FEDIVERSE_DOMAIN is not set and this database has never been served: "
            "set FEDIVERSE_DOMAIN (and run `fediverse migrate`) first"
        )
    await prepare_database(database_url, urls, apply_migrations=False)
    return urls
