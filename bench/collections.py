"""Do a group's followers pages stay cheap at a million members?

Builds a group with ``--followers`` remote followers (one INSERT … SELECT), then times, through
the real app in-process (httpx ASGI transport): the collection head (``totalItems``), the first
page, a page deep in the middle (by keyset cursor), and the last page. Prints milliseconds per
request, median of ``--repeat`` runs, and the ratio of the deepest page to the first.

    .venv/bin/python bench/collections.py --followers 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import scratch_database  # noqa: E402
from community.groups import create_group  # noqa: E402
from community.settings import Settings  # noqa: E402
from community.storage.database import connect  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from fediverse.app import create_app  # noqa: E402

BASE = "https://bench.test"
AS2 = {"Accept": "application/activity+json"}


async def build(url: str, followers: int) -> int:
    async with connect(url) as conn:
        await migrate(conn)
        group = await create_group(conn, Urls(BASE), "big")
        await conn.execute(
            """INSERT INTO actors (uri, type, username, domain, local, inbox_uri)
               SELECT 'https://h' || (n % 1000) || '.example/u/' || n, 'Person', 'u' || n,
                      'h' || (n % 1000) || '.example', false,
                      'https://h' || (n % 1000) || '.example/u/' || n || '/inbox'
               FROM generate_series(1, $1) n""",
            followers,
        )
        # a million follows at once: skip the per-row counter trigger, count once after
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(
            """INSERT INTO follows (follower_id, followee_id, state)
               SELECT id, $1, 'accepted' FROM actors WHERE NOT local ORDER BY id""",
            group.id,
        )
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute(
            "UPDATE actors SET followers_count = $2 WHERE id = $1", group.id, followers
        )
        await conn.execute("VACUUM ANALYZE")
        middle = await conn.fetchval(
            "SELECT id FROM follows ORDER BY id OFFSET $1 LIMIT 1", followers // 2
        )
        return int(middle)


async def timed(client: httpx.AsyncClient, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.get(path, headers=AS2)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return statistics.median(times) * 1000


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("bench_collections") as url:
        await measure(args, url)


async def measure(args: argparse.Namespace, url: str) -> None:
    started = time.perf_counter()
    middle = await build(url, args.followers)
    print(f"{args.followers:,} followers stored in {time.perf_counter() - started:.1f} s")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, domain="bench.test", database_url=url, data_dir=Path(tempfile.mkdtemp())
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            base = "/groups/big/followers"
            figures = {
                "collection head (totalItems)": await timed(client, base, args.repeat),
                "first page": await timed(client, base + "?page=true", args.repeat),
                "middle page": await timed(
                    client, f"{base}?page=true&max_id={middle}", args.repeat
                ),
                "last page": await timed(client, f"{base}?page=true&max_id=21", args.repeat),
            }
    for label, ms in figures.items():
        print(f"{label:>30}: {ms:7.2f} ms")
    ratio = figures["middle page"] / figures["first page"]
    print(f"middle page / first page: {ratio:.2f} (keyset: ~1 whatever the depth)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
