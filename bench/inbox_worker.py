"""Does one pathological item hold up the inbox? Items/s and other actors' latency.

Sets up a fresh database with one local group and ``--actors`` remote members (their servers'
software known, so nothing is fetched), queues ``--items`` ``Create``s of ~1 KB posts from
them (each stored, then announced to the members: the real handler path, deliveries queued but
not sent), and runs the inbox worker over the queue until it is empty, four ways:

* without and with one pathological item at the head of the queue (a member's post whose
  content is ``--nesting`` unclosed nested ``<div>``: 250 KB, the issue's worst case);
* the batch-and-wait loop (claim a batch, wait for all of it, claim again: the worker before
  issue 11, which ``run_once()`` still is) and the pipelined loop (``run()``: claim again as
  soon as there is room).

For each it prints the items per second over the whole run, when the last of the other
actors' items was done, their p50 and p99 latency (from the start of the run), how long the
pathological item took and how it ended, and how many of the other actors' items were done
while it was in hand. The target: the pipelined loop keeps doing other actors' items all the
while (sanitising runs on a thread; on a machine with a spare core they are not slowed at all).

    .venv/bin/python bench/inbox_worker.py
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import scratch_database  # noqa: E402
from community.context import AppContext, open_context  # noqa: E402
from community.groups import create_group  # noqa: E402
from community.settings import Settings  # noqa: E402
from community.storage.database import connect, create_pool  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from inbox.worker import InboxWorker  # noqa: E402

BASE_URL = "https://bench.invalid"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@dataclass(frozen=True)
class Result:
    items_per_second: float
    others_done: float
    p50: float
    p99: float
    worst_seconds: float | None
    worst_state: str | None
    #: other actors' items done while the pathological item was in hand
    done_meanwhile: int


async def build_world(url: str, actors: int) -> tuple[str, list[str]]:
    async with connect(url) as conn:
        await migrate(conn)
        group = await create_group(conn, Urls(BASE_URL), "bench")
        uris = []
        for n in range(actors):
            host = f"member{n}.bench.invalid"
            uri = f"https://{host}/users/m{n}"
            actor_id = await conn.fetchval(
                """INSERT INTO actors (uri, type, username, domain, local, inbox_uri,
                                       shared_inbox_uri, fetched_at)
                   VALUES ($1, 'Person', $2, $3, false, $1 || '/inbox', $4, now())
                   RETURNING id""",
                uri,
                f"m{n}",
                host,
                f"https://{host}/inbox",
            )
            await conn.execute(
                "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
                actor_id,
                group.id,
            )
            await conn.execute(
                "INSERT INTO instances (domain, software_name, nodeinfo_fetched_at)"
                " VALUES ($1, 'lemmy', now())",
                host,
            )
            uris.append(uri)
    return group.uri, uris


def create_of(actor_uri: str, group_uri: str, number: int, content: str) -> dict[str, Any]:
    note_uri = f"{actor_uri}/notes/{number}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": note_uri + "/create",
        "type": "Create",
        "actor": actor_uri,
        "to": [AS_PUBLIC],
        "cc": [group_uri],
        "object": {
            "id": note_uri,
            "type": "Note",
            "attributedTo": actor_uri,
            "content": content,
            "to": [AS_PUBLIC],
            "cc": [group_uri],
            "audience": group_uri,
        },
    }


async def queue_items(
    url: str, group_uri: str, actors: list[str], items: int, worst: str | None
) -> list[str]:
    """Queue the items (the pathological one first); the ids of the other actors' items."""
    text = "<p>" + "A neighbourly note about the street party on Saturday. " * 16 + "</p>"
    activities = [create_of(actors[n % len(actors)], group_uri, n, text) for n in range(items)]
    others = [str(a["id"]) for a in activities]
    if worst is not None:
        activities.insert(0, create_of(actors[0], group_uri, items, worst))
        others = [str(a["id"]) for a in activities if a["actor"] != actors[0]]
    async with connect(url) as conn:
        await conn.executemany(
            """INSERT INTO inbox_items (activity_uri, activity_type, actor_uri, body,
                                        verified_by, key_id)
               VALUES ($1, 'Create', $2, $3, 'cavage', $2 || '#main-key')""",
            [(a["id"], a["actor"], orjson.dumps(a).decode()) for a in activities],
        )
    return others


async def drain(ctx: AppContext, pipelined: bool) -> None:
    worker = InboxWorker(ctx)
    if not pipelined:
        await worker.run_until_idle(max_rounds=1_000_000)
        return
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    async with ctx.pool.acquire() as conn:
        while await conn.fetchval(
            "SELECT count(*) FROM inbox_items WHERE state IN ('received', 'processing')"
        ):
            await asyncio.sleep(0.02)
    stop.set()
    await task


async def measure_one(args: argparse.Namespace, pipelined: bool, worst: str | None) -> Result:
    async with scratch_database("bench_inbox") as url:
        group_uri, actors = await build_world(url, args.actors)
        others = await queue_items(url, group_uri, actors, args.items, worst)
        settings = Settings(
            _env_file=None, domain="bench.invalid", database_url=url, data_dir=args.data_dir
        )
        pool = await create_pool(url, max_size=10)
        ctx = await open_context(settings, Urls(BASE_URL), pool)
        try:
            started = time.time()
            await drain(ctx, pipelined)
            elapsed = time.time() - started
            async with pool.acquire() as conn:
                rows = await conn.fetch(
                    "SELECT activity_uri, state, extract(epoch FROM processed_at) AS at,"
                    " extract(epoch FROM claimed_at) AS claimed FROM inbox_items"
                )
        finally:
            await ctx.aclose()
            await pool.close()
    done = {r["activity_uri"]: float(r["at"]) - started for r in rows}
    latencies = sorted(done[uri] for uri in others)
    worst_row = next((r for r in rows if r["activity_uri"] not in set(others)), None)
    worst_at = None if worst_row is None else float(worst_row["at"]) - started
    return Result(
        items_per_second=len(rows) / elapsed,
        others_done=latencies[-1],
        p50=statistics.median(latencies),
        p99=latencies[int(len(latencies) * 0.99) - 1],
        worst_seconds=worst_at,
        worst_state=None if worst_row is None else worst_row["state"],
        done_meanwhile=0 if worst_at is None else sum(1 for t in latencies if t < worst_at),
    )


def show(label: str, result: Result) -> None:
    worst = (
        ""
        if result.worst_seconds is None
        else f"; pathological item {result.worst_state} at {result.worst_seconds:.2f} s,"
        f" {result.done_meanwhile} others done meanwhile"
    )
    print(
        f"{label:<44} {result.items_per_second:7.1f} items/s; others done at"
        f" {result.others_done:6.2f} s (p50 {result.p50:5.2f} s, p99 {result.p99:5.2f} s){worst}",
        flush=True,
    )


async def run(args: argparse.Namespace) -> None:
    worst = "<div>" * args.nesting + "deep"
    print(
        f"{args.items} items from {args.actors} members; pathological content:"
        f" {len(worst) / 1000:.0f} KB of nested <div>",
        flush=True,
    )
    for pipelined in (False, True):
        loop = "pipelined (run)" if pipelined else "batch-and-wait (run_once loop)"
        show(f"{loop}, no pathological item", await measure_one(args, pipelined, None))
        show(f"{loop}, one pathological item", await measure_one(args, pipelined, worst))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=50)
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--nesting", type=int, default=50_000, help="250 KB of nested <div>")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        args.data_dir = Path(data_dir)
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
