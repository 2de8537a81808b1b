"""What the benchmarks share: a PostgreSQL to use, fresh databases, process memory."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from community.storage.embedded import EmbeddedPostgres

BENCH_PG_DIR = Path("/tmp/fediverse-bench/postgres")


def admin_url() -> tuple[str, EmbeddedPostgres | None]:
    """``DATABASE_URL`` if set (the role must create databases), else an embedded server."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    BENCH_PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(BENCH_PG_DIR.parent, 0o755)
    server = EmbeddedPostgres(BENCH_PG_DIR)
    return server.start(), server


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@asynccontextmanager
async def scratch_database(prefix: str) -> AsyncIterator[str]:
    """A fresh database for one run (dropped afterwards), on ``DATABASE_URL`` or embedded."""
    admin, embedded = admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(admin, name)
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
        if embedded is not None:
            embedded.stop()
