"""Several instances of our server as real processes on loopback, and patience."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from tests.conftest import _create_database, _drop_database, database_url_for
from tests.helpers import ServerProcess, clean_env, free_port, run_cli


@dataclass
class Instance:
    """One server: its process, its database, and its CLI."""

    server: ServerProcess
    database_url: str
    workdir: Path

    @property
    def domain(self) -> str:
        return f"localhost:{self.server.port}"

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = run_cli(*args, env=self.server.env, cwd=self.workdir, stdin=stdin)
        assert done.returncode == 0, f"{args}: {done.stderr}\n{self.server.log()[-3000:]}"
        return done.stdout.strip()

    async def fetchval(self, query: str, *args: Any) -> Any:
        conn = await asyncpg.connect(self.database_url)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()


def start_instance(database_url: str, workdir: Path, **settings: str) -> Instance:
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = clean_env(
        DATABASE_URL=database_url,
        FEDIVERSE_DOMAIN=f"localhost:{port}",
        FEDIVERSE_SCHEME="http",
        FEDIVERSE_PORT=str(port),
        FEDIVERSE_ALLOW_PRIVATE_ADDRESSES="127.0.0.0/8,::1/128",
        FEDIVERSE_DATA_DIR=str(workdir / "data"),
        **{f"FEDIVERSE_{k.upper()}": v for k, v in settings.items()},
    )
    return Instance(ServerProcess(port, env, workdir).start(), database_url, workdir)


@contextlib.contextmanager
def instances_on_new_databases(
    admin_url: str, template: str, root: Path, labels: tuple[str, ...], **settings: str
) -> Iterator[list[Instance]]:
    """One server per label, each on a fresh database made from the template; stopped and
    dropped when the block ends (for module-scoped fixtures)."""
    names: list[str] = []
    started: list[Instance] = []
    try:
        for label in labels:
            names.append(asyncio.run(_create_database(admin_url, template)))
            url = database_url_for(admin_url, names[-1])
            started.append(start_instance(url, root / label, **settings))
        yield started
    finally:
        for instance in started:
            instance.server.stop()
        for name in names:
            asyncio.run(_drop_database(admin_url, name))


async def eventually(
    check: Callable[[], Awaitable[Any]],
    what: str,
    *,
    timeout: float = 30,
    instances: tuple[Instance, ...] = (),
) -> Any:
    """Poll ``check`` until it returns something truthy (federation is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            logs = "\n".join(i.server.log()[-4000:] for i in instances)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.1)
