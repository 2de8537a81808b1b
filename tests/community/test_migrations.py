import asyncio

import asyncpg
import pytest

from community.storage.database import DatabaseError, connect
from community.storage.migrations import applied_versions, available_migrations, migrate


async def test_migrations_apply_in_order_once(empty_database_url: str) -> None:
    async with connect(empty_database_url) as conn:
        applied = await migrate(conn)
        assert [m.version for m in applied] == [m.version for m in available_migrations()]
        assert await migrate(conn) == []
        assert await applied_versions(conn) == {m.version for m in available_migrations()}


async def test_two_processes_migrating_at_once_do_not_collide(empty_database_url: str) -> None:
    async def run() -> int:
        async with connect(empty_database_url) as conn:
            return len(await migrate(conn))

    counts = await asyncio.gather(run(), run(), run())
    assert sorted(counts) == [0, 0, len(available_migrations())]


async def test_a_database_newer_than_the_code_is_refused(database_url: str) -> None:
    async with connect(database_url) as conn:
        await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")
        with pytest.raises(DatabaseError, match="newer than this code"):
            await migrate(conn)


async def test_every_migration_is_plain_sql_that_postgres_accepts(database_url: str) -> None:
    async with connect(database_url) as conn:
        tables = {
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert {"actors", "actor_keys", "follows", "schema_migrations"} <= tables


async def test_a_failed_migration_leaves_nothing_half_done(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from community.storage import migrations

    broken = [
        *available_migrations(),
        migrations.Migration(9000, "broken", "CREATE TABLE x (a int); SELEC 1"),
    ]
    monkeypatch.setattr(migrations, "available_migrations", lambda: broken)
    async with connect(empty_database_url) as conn:
        with pytest.raises(asyncpg.PostgresSyntaxError):
            await migrate(conn)
        assert await conn.fetchval("SELECT to_regclass('x')") is None
        assert 9000 not in await applied_versions(conn)
