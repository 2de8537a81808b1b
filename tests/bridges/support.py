"""What the bridge tests share: servers on loopback, and questions to their databases."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from tests.e2e.support import Instance
from tests.helpers import ServerProcess, clean_env, free_port

SETTLED_FOR = 1.5  # seconds with nothing in flight before we call a federation quiet


async def in_flight(instance: Instance) -> int:
    """Inbox items not handled yet and deliveries due or being made, on one server."""
    items = await instance.fetchval(
        "SELECT count(*) FROM inbox_items WHERE state IN ('received', 'processing')"
    )
    deliveries = await instance.fetchval(
        "SELECT count(*) FROM deliveries WHERE state = 'claimed'"
        " OR (state = 'queued' AND next_attempt_at < now() + interval '5 seconds')"
    )
    return int(items) + int(deliveries)


async def settle(*instances: Instance, timeout: float = 60) -> None:
    """Wait until nothing is in flight between the servers for a while (then nothing will
    happen any more: a loop would keep them busy)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        busy = sum([await in_flight(i) for i in instances])
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= SETTLED_FOR:
            return
        await asyncio.sleep(0.1)
    logs = "\n".join(i.server.log()[-3000:] for i in instances)
    raise AssertionError(f"the servers never settled (a loop?)\n{logs}")


async def announces_of(instance: Instance, group: str, object_uri: str) -> int:
    """How many times our ``group`` announced the activity or object ``object_uri``."""
    return int(
        await instance.fetchval(
            "SELECT count(*) FROM activities a JOIN actors g ON g.id = a.actor_id"
            " WHERE g.local AND g.username = $1 AND a.type = 'Announce' AND a.object_uri = $2",
            group,
            object_uri,
        )
    )


async def create_of(instance: Instance, post_uri: str) -> str:
    """The id of the ``Create`` of ``post_uri`` (as the author's server stored it)."""
    uri: str = await instance.fetchval(
        "SELECT uri FROM activities WHERE type = 'Create' AND object_uri = $1", post_uri
    )
    return uri


async def post_row(instance: Instance, post_uri: str) -> dict[str, Any] | None:
    """The post as one server keeps it: deleted or removed, its author, its group."""
    text = await instance.fetchval(
        "SELECT row_to_json(x) FROM (SELECT p.deleted_at, p.removed_at, a.uri AS author,"
        " g.uri AS group_uri FROM posts p JOIN actors a ON a.id = p.author_id"
        " LEFT JOIN actors g ON g.id = p.group_id WHERE p.uri = $1) x",
        post_uri,
    )
    return None if text is None else dict(orjson.loads(text))


async def follow_state(instance: Instance, follower: str, followee_uri: str) -> str | None:
    state: str | None = await instance.fetchval(
        "SELECT f.state FROM follows f JOIN actors a ON a.id = f.follower_id"
        " JOIN actors b ON b.id = f.followee_id"
        " WHERE a.local AND a.username = $1 AND b.uri = $2",
        follower,
        followee_uri,
    )
    return state


async def troubles(instance: Instance, state: str = "failed") -> list[str]:
    """Inbox items of one server in ``state`` (failed: a handler broke), with their notes."""
    conn = await asyncpg.connect(instance.database_url)
    try:
        rows = await conn.fetch(
            "SELECT activity_type, actor_uri, error FROM inbox_items WHERE state = $1 ORDER BY id",
            state,
        )
    finally:
        await conn.close()
    return [f"{r['activity_type']} from {r['actor_uri']}: {r['error']}" for r in rows]


@dataclass
class NamedInstance(Instance):
    """A server known by another loopback name than ``localhost`` (a relay tells its
    subscribers apart by host name, without the port)."""

    host: str = "localhost"

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.server.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"


def start_named(database_url: str, workdir: Path, host: str) -> NamedInstance:
    """:func:`tests.e2e.support.start_instance`, its domain ``host:port``."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = clean_env(
        DATABASE_URL=database_url,
        FEDIVERSE_DOMAIN=f"{host}:{port}",
        FEDIVERSE_SCHEME="http",
        FEDIVERSE_PORT=str(port),
        FEDIVERSE_ALLOW_PRIVATE_ADDRESSES="127.0.0.0/8,::1/128",
        FEDIVERSE_DATA_DIR=str(workdir / "data"),
    )
    server = ServerProcess(port, env, workdir).start()
    return NamedInstance(server, database_url, workdir, host)
