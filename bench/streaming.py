"""Live updates at 1,000 clients: how long from a writer's commit to each client's receipt?

Builds a fresh database with one author and ``--clients`` people who follow them, each with
a token; starts one real ``fediverse serve`` process (no workers: nothing but the web process
and its one LISTEN); opens ``--clients`` WebSockets to it from a separate client process (each
a different person, on ``--stream``: ``user`` — their home timeline, rendered per person — or
``public:local``); then, from this process (a third one), writes ``--events`` posts one after
the other, each in its own transaction (``outbox.actions.publish``, as the API and the CLI
do), and notes the wall-clock time right after each commit. The client process notes when
each frame arrives. Printed: the NOTIFY payload sizes, the server's memory per connected
client, the time one process spends planning an event for all its clients (look-ups and
rendering, measured in this process on the same database), and latency from commit to
receipt over every (client, event): p50, p90, p99, max, and how many frames arrived.

    .venv/bin/python bench/streaming.py --clients 1000 --events 40 --stream user

Uses ``DATABASE_URL`` if set (the role must be allowed to create databases), otherwise an
embedded PostgreSQL under /tmp/fediverse-bench. All processes share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
import orjson
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import scratch_database  # noqa: E402
from community.accounts import create_user  # noqa: E402
from community.actors import Actor  # noqa: E402
from community.events import Event, new_entry  # noqa: E402
from community.oauth import create_app, hash_secret  # noqa: E402
from community.storage.database import connect, create_pool  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from fediverse.api.streaming.clients import Client, Index, Stream  # noqa: E402
from fediverse.api.streaming.plan import plan  # noqa: E402
from outbox.actions import publish  # noqa: E402

OOB = "urn:ietf:wg:oauth:2.0:oob"


# -- the world ----------------------------------------------------------------------------
async def build_world(url: str, urls: Urls, clients: int) -> tuple[Actor, list[str], list[int]]:
    """The author, and ``clients`` followers with a token each (made in bulk: no key pairs,
    they never federate)."""
    async with connect(url) as conn:
        await migrate(conn)
        author = await create_user(conn, urls, "author")
        app, _ = await create_app(conn, "bench", [OOB], ["read"], None)
        await conn.execute(
            """INSERT INTO actors (uri, type, username, domain, local)
               SELECT $1 || '/users/reader' || n, 'Person', 'reader' || n, $2, true
               FROM generate_series(1, $3) AS n""",
            urls.base_url,
            urls.domain,
            clients,
        )
        ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM actors WHERE username LIKE 'reader%' ORDER BY id"
            )
        ]
        await conn.execute("INSERT INTO users (actor_id) SELECT unnest($1::bigint[])", ids)
        await conn.execute(
            """INSERT INTO follows (follower_id, followee_id, state, accepted_at)
               SELECT unnest($1::bigint[]), $2, 'accepted', now()""",
            ids,
            author.id,
        )
        tokens = [f"bench-{i}-{os.urandom(8).hex()}" for i in range(len(ids))]
        await conn.execute(
            """INSERT INTO oauth_tokens (token_hash, app_id, actor_id, scopes)
               SELECT unnest($1::text[]), $2, unnest($3::bigint[]), '{read}'""",
            [hash_secret(t) for t in tokens],
            app.id,
            ids,
        )
        await conn.execute("ANALYZE")
    return author, tokens, ids


# -- the server ---------------------------------------------------------------------------
def start_server(url: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIVERSE_")}
    env.update(
        DATABASE_URL=url,
        FEDIVERSE_DOMAIN=f"localhost:{port}",
        FEDIVERSE_SCHEME="http",
        FEDIVERSE_PORT=str(port),
        FEDIVERSE_RUN_WORKERS="false",
        FEDIVERSE_LOG_LEVEL="WARNING",
        FEDIVERSE_DATA_DIR=str(workdir),
    )
    server = subprocess.Popen([sys.executable, "-m", "fediverse", "serve"], env=env, cwd=workdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://localhost:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- the client process -------------------------------------------------------------------
def run_clients(port: int, tokens: list[str], stream: str, pipe: Connection) -> None:
    """In its own process: open the sockets, say so, note each frame's arrival, and hand the
    notes back when told to stop."""
    asyncio.run(_clients(port, tokens, stream, pipe))


async def _clients(port: int, tokens: list[str], stream: str, pipe: Connection) -> None:
    received: list[tuple[str, float]] = []
    base = f"ws://localhost:{port}/api/v1/streaming?stream={stream}&access_token="
    sockets = []
    for start in range(0, len(tokens), 100):  # in batches, as clients come and go
        batch = tokens[start : start + 100]
        sockets += await asyncio.gather(*(ws_connect(base + t, max_size=2**22) for t in batch))

    async def read(socket: ClientConnection) -> None:
        async for message in socket:
            at = time.time()
            frame = orjson.loads(message)
            if frame.get("event") == "update":
                received.append((orjson.loads(frame["payload"])["id"], at))

    readers = [asyncio.create_task(read(s)) for s in sockets]
    pipe.send(("ready", len(sockets)))
    while not pipe.poll():
        await asyncio.sleep(0.05)
    pipe.recv()
    await asyncio.sleep(1.0)
    for socket in sockets:
        await socket.close()
    await asyncio.gather(*readers, return_exceptions=True)
    pipe.send(("received", received))


# -- the writer ---------------------------------------------------------------------------
async def write(url: str, urls: Urls, author: Actor, events: int, gap: float) -> dict[str, float]:
    """Post ``events`` times; the wall-clock time right after each commit, by status id."""
    committed: dict[str, float] = {}
    async with connect(url) as conn:
        for number in range(events):
            post = await publish(conn, urls, author, f"Live post number {number}")
            committed[str(post.id)] = time.time()
            await asyncio.sleep(gap)
    return committed


async def plan_cost(url: str, urls: Urls, ids: list[int], stream: str, post_id: int) -> float:
    """Milliseconds one process spends planning one event for ``ids`` connected people."""
    pool = await create_pool(url, max_size=2)
    index = Index()
    for viewer in ids:
        client = Client(viewer, notifications=True)
        index.connect(client)
        index.subscribe(client, Stream(stream, "", (stream,)))
    timings = []
    async with pool.acquire() as conn:
        for _ in range(7):
            started = time.perf_counter()
            frames = await plan(conn, urls, index, new_entry(post_id))
            timings.append(time.perf_counter() - started)
    await pool.close()
    assert len(frames) == len(ids), (len(frames), len(ids))
    return statistics.median(timings) * 1000


# -- the report ---------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(committed: dict[str, float], received: list[tuple[str, float]], clients: int) -> None:
    latencies = [(at - committed[sid]) * 1000 for sid, at in received if sid in committed]
    expected = clients * len(committed)
    print(f"frames: {len(latencies)} of {expected} ({clients} clients × {len(committed)} events)")
    if latencies:
        print(
            "commit → receipt: "
            f"p50 {percentile(latencies, 0.5):.1f} ms, p90 {percentile(latencies, 0.9):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
        )
        firsts: dict[str, float] = {}
        lasts: dict[str, float] = {}
        for sid, at in received:
            firsts[sid] = min(firsts.get(sid, at), at)
            lasts[sid] = max(lasts.get(sid, at), at)
        spread = [(lasts[s] - firsts[s]) * 1000 for s in firsts]
        print(f"first to last client of one event: median {statistics.median(spread):.1f} ms")


def payload_sizes() -> None:
    samples = {
        "status": new_entry(9_223_372_036_854_775, 9_223_372_036_854_776, 9_223_372_036_854),
        "notification": Event("notification", notification_id=2**62, recipient_id=2**62),
    }
    sizes = ", ".join(f"{k} {len(e.encode())} bytes" for k, e in samples.items())
    print(f"NOTIFY payloads (largest ids): {sizes}; PostgreSQL's limit is 8000 bytes")


async def measure(args: argparse.Namespace, url: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fediverse-bench-"))
    port = args.port
    urls = Urls(f"http://localhost:{port}")
    author, tokens, ids = await build_world(url, urls, args.clients)
    server = start_server(url, port, workdir)
    ours, theirs = multiprocessing.Pipe()
    clients = multiprocessing.get_context("spawn").Process(
        target=run_clients, args=(port, tokens, args.stream, theirs)
    )
    try:
        idle = rss_mib(server.pid)
        clients.start()
        _, connected = ours.recv()
        await asyncio.sleep(1)
        loaded = rss_mib(server.pid)
        print(
            f"{connected} WebSocket clients on one process ({args.stream}): server RSS "
            f"{idle:.0f} MiB idle, {loaded:.0f} MiB connected "
            f"({(loaded - idle) * 1024 / max(connected, 1):.0f} KiB per client)"
        )
        committed = await write(url, urls, author, args.events, args.gap)
        ours.send("stop")
        _, received = ours.recv()
        clients.join(30)
    finally:
        server.terminate()
        server.wait(30)
    payload_sizes()
    last = int(max(committed, key=int))
    cost = await plan_cost(url, urls, ids, args.stream, last)
    print(f"planning one event for {len(ids)} clients in one process: {cost:.1f} ms (median)")
    report(committed, received, connected)


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("fediverse_bench_streaming") as url:
        await measure(args, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between posts")
    parser.add_argument("--stream", choices=["user", "public:local"], default="user")
    parser.add_argument("--port", type=int, default=18765)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
