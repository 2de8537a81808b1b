"""Start-up shared by every process (serve, worker, CLI): database, migrations, instance actor."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from federation.fetch import Fetcher, FetchSettings, SigningIdentity
from fediverse import __version__
from fediverse.actors import ensure_instance_actor, get_local_key
from fediverse.context import AppContext
from fediverse.policy import DomainPolicy
from fediverse.remote import RemoteActors
from fediverse.settings import Settings, SettingsError, check_production
from fediverse.storage.database import DatabaseError, connect, create_pool
from fediverse.storage.embedded import EmbeddedPostgres
from fediverse.storage.migrations import applied_versions, migrate, pending_migrations
from fediverse.storage.queries import load_queries
from fediverse.urls import Urls

log = logging.getLogger(__name__)
Q = load_queries("fediverse")


@dataclass
class Database:
    """Where our PostgreSQL is, and the embedded server if we started one."""

    url: str
    embedded: EmbeddedPostgres | None = None

    def close(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None


def open_database(settings: Settings) -> Database:
    """``DATABASE_URL`` when set, else the embedded PostgreSQL under the data directory."""
    check_production(settings)
    if settings.database_url:
        return Database(settings.database_url)
    embedded = EmbeddedPostgres(settings.data_dir / "postgres")
    return Database(embedded.start(), embedded)


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = open_database(settings)
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
        record = await conn.fetchrow(Q["get_instance_actor"])
    return None if record is None else Urls(record["uri"].removesuffix("/actor"))


async def open_pool(url: str, *, max_size: int = 10) -> asyncpg.Pool:
    return await create_pool(url, max_size=max_size)


async def open_remote(ctx: AppContext) -> RemoteActors:
    """The fetcher (signed by the instance actor) and the remote-actor store of a process.

    Sets the process's instance policy too: the fetcher asks it before every request.
    """
    ctx.is_domain_allowed = DomainPolicy(ctx.settings.federation_mode).checker(ctx.pool)
    async with ctx.pool.acquire() as conn:
        instance = await ensure_instance_actor(conn, ctx.urls)
        key = await get_local_key(conn, instance)
    settings = ctx.settings
    fetcher = Fetcher(
        FetchSettings(
            allowed_networks=tuple(settings.allow_private_addresses),
            max_body_bytes=settings.max_body_bytes,
            user_agent=f"fediverse/{__version__} (+{ctx.urls.base_url}/)",
        ),
        SigningIdentity.from_pem(key.key_id, key.private_key_pem),
        host_filter=ctx.is_domain_allowed,
    )
    return RemoteActors(ctx.pool, fetcher, ctx.urls, scheme=settings.scheme)


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
