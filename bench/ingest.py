"""How fast does the shared inbox take activities in, and how quickly does it answer?

Sets up a fresh database with one local group and ``--senders`` remote senders (their keys
already known, as after their first contact), pre-signs unique ``Create`` activities (about
1 KB each, draft-cavage ``rsa-sha256``), starts a real ``fediverse serve`` process (workers off:
this measures intake, the durable queue filling up), and POSTs them to ``/inbox`` open-loop at
increasing rates over keep-alive connections. For each rate it prints the accepted activities
per second and the p50 and p99 latency (measured from each request's scheduled time, so a
server that falls behind is charged for the wait).

The ceiling, measured in the same run: the rate at which PostgreSQL alone commits the same
insert (the inbox's own ``enqueue`` query) through asyncpg, from as many connections as the
server's pool. The target is at least 0.6 of it, with p99 under 50 ms at half the peak rate.

    .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss_mib, scratch_database  # noqa: E402
from community.groups import create_group  # noqa: E402
from community.storage.database import connect, create_pool  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.storage.queries import load_queries  # noqa: E402
from community.urls import Urls  # noqa: E402
from federation.cavage import sign_headers  # noqa: E402
from federation.keys import generate_rsa_keypair, load_private_key  # noqa: E402

POOL_SIZE = 10  # the server's pool (fediverse.runtime.open_pool)
KEYPAIRS = 4


# -- the world ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Sender:
    uri: str
    key_id: str
    private_pem: str


async def build_world(url: str, base_url: str, senders: int) -> tuple[str, list[Sender]]:
    pairs = [generate_rsa_keypair() for _ in range(KEYPAIRS)]
    made: list[Sender] = []
    async with connect(url) as conn:
        await migrate(conn)
        group = await create_group(conn, Urls(base_url), "bench")
        for n in range(senders):
            host = f"sender{n}.bench.invalid"
            uri = f"https://{host}/users/s{n}"
            private_pem, public_pem = pairs[n % KEYPAIRS]
            actor_id = await conn.fetchval(
                """INSERT INTO actors (uri, type, username, domain, local, inbox_uri,
                                       fetched_at)
                   VALUES ($1, 'Person', $2, $3, false, $1 || '/inbox', now()) RETURNING id""",
                uri,
                f"s{n}",
                host,
            )
            await conn.execute(
                "INSERT INTO actor_keys (key_id, actor_id, public_key_pem) VALUES ($1, $2, $3)",
                uri + "#main-key",
                actor_id,
                public_pem,
            )
            made.append(Sender(uri, uri + "#main-key", private_pem))
    return group.uri, made


def activity_body(sender: Sender, group_uri: str, number: int) -> bytes:
    note_id = f"{sender.uri}/notes/{number}-{uuid.uuid4().hex[:8]}"
    text = "A neighbourly message about the street party on Saturday. " * 12
    return orjson.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": note_id + "/activity",
            "type": "Create",
            "actor": sender.uri,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group_uri],
            "object": {
                "id": note_id,
                "type": "Note",
                "attributedTo": sender.uri,
                "content": f"<p>{text}</p>",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [group_uri],
                "tag": [{"type": "Mention", "href": group_uri}],
            },
        }
    )


def _sign_chunk(args: tuple[list[tuple[Sender, bytes]], str, str]) -> list[bytes]:
    items, inbox_url, host = args
    requests = []
    keys = {}
    for sender, body in items:
        key = keys.setdefault(
            sender.private_pem, load_private_key(sender.private_pem, trusted=True)
        )
        base = {"Content-Type": "application/activity+json"}
        signed = sign_headers("POST", inbox_url, base, body, sender.key_id, key, datetime.now(UTC))
        head = (
            f"POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\n"
            f"Content-Length: {len(body)}\r\nDate: {signed['Date']}\r\n"
            f"Digest: {signed['Digest']}\r\nSignature: {signed['Signature']}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    return requests


def presign(
    senders: list[Sender], group_uri: str, total: int, inbox_url: str, host: str
) -> list[bytes]:
    cycle = itertools.cycle(senders)
    items = [(s, activity_body(s, group_uri, n)) for n, s in zip(range(total), cycle, strict=False)]
    cores = os.cpu_count() or 1
    size = max(1, len(items) // (cores * 4))
    chunks = [(items[i : i + size], inbox_url, host) for i in range(0, len(items), size)]
    with ProcessPoolExecutor(cores) as pool:
        return [request for chunk in pool.map(_sign_chunk, chunks) for request in chunk]


# -- the ceiling --------------------------------------------------------------------------
async def measure_ceiling(url: str, seconds: float) -> float:
    """Commits per second of the inbox's own insert, from POOL_SIZE connections."""
    query = load_queries("inbox")["enqueue"]
    pool = await create_pool(url, min_size=POOL_SIZE, max_size=POOL_SIZE)
    counter = itertools.count()
    done = 0
    deadline = time.perf_counter() + seconds

    async def insert_loop() -> None:
        nonlocal done
        async with pool.acquire() as conn:
            while time.perf_counter() < deadline:
                n = next(counter)
                await conn.fetchval(
                    query,
                    f"https://ceiling.invalid/a/{n}",
                    "Create",
                    "https://ceiling.invalid/u/x",
                    None,
                    '{"type": "Create"}',
                    "cavage",
                    "https://ceiling.invalid/u/x#main-key",
                )
                done += 1

    started = time.perf_counter()
    await asyncio.gather(*(insert_loop() for _ in range(POOL_SIZE)))
    elapsed = time.perf_counter() - started
    await pool.execute("DELETE FROM inbox_items WHERE actor_uri = 'https://ceiling.invalid/u/x'")
    await pool.close()
    return done / elapsed


# -- the load -----------------------------------------------------------------------------
class Connection:
    """One keep-alive HTTP/1.1 connection that sends ready-made requests."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, raw: bytes) -> int:
        self.writer.write(raw)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        status = int(status_line.split()[1])
        if status != 202 and os.environ.get("BENCH_DEBUG"):
            print(status, body[:200])
        return status


async def run_step(
    port: int, requests: list[bytes], rate: float, connections: int
) -> dict[str, float]:
    """Offer ``requests`` at ``rate`` per second; what was accepted, and how fast."""
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Connection.open(port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()

    async def fire(raw: bytes, scheduled: float) -> None:
        conn = await idle.get()
        status = await conn.send(raw)
        latencies.append(time.perf_counter() - scheduled)
        statuses[status] = statuses.get(status, 0) + 1
        idle.put_nowait(conn)

    tasks = []
    for index, raw in enumerate(requests):
        scheduled = started + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(raw, scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    while not idle.empty():
        idle.get_nowait().writer.close()
    latencies.sort()
    return {
        "offered": rate,
        "accepted": statuses.get(202, 0) / elapsed,
        "refused": sum(v for k, v in statuses.items() if k != 202),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


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
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "fediverse", "serve"],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start: {(workdir / 'server.log').read_text()}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("bench_ingest") as url:
        await measure(args, url)


async def measure(args: argparse.Namespace, url: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fediverse-ingest-"))
    port = free_port()
    server = None
    try:
        base_url = f"http://localhost:{port}"
        group_uri, senders = await build_world(url, base_url, args.senders)
        per_step = [int(rate * args.seconds) for rate in args.rates]
        print(f"pre-signing {sum(per_step)} activities from {len(senders)} senders …", flush=True)
        signed = presign(
            senders, group_uri, sum(per_step), base_url + "/inbox", f"localhost:{port}"
        )
        ceiling = await measure_ceiling(url, args.ceiling_seconds)
        print(
            f"ceiling: PostgreSQL commits the inbox insert at {ceiling:,.0f}/s "
            f"({POOL_SIZE} connections)"
        )
        server = start_server(url, port, workdir)
        await run_step(port, signed[:50], 100, 4)  # warm up: keys into memory, JIT of paths
        offset = 50
        results = []
        print(f"{'offered/s':>10} {'accepted/s':>11} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}")
        for rate, count in zip(args.rates, per_step, strict=True):
            step = await run_step(port, signed[offset : offset + count], rate, args.connections)
            offset += count
            results.append(step)
            print(
                f"{rate:>10,.0f} {step['accepted']:>11,.0f} {step['accepted'] / ceiling:>6.2f}"
                f" {step['p50']:>8.1f} {step['p99']:>8.1f}"
                + (f"  ({step['refused']:.0f} refused)" if step["refused"] else ""),
                flush=True,
            )
        peak = max(results, key=lambda r: r["accepted"])
        half = min(results, key=lambda r: abs(r["offered"] - peak["accepted"] / 2))
        print(
            f"peak: {peak['accepted']:,.0f} accepted/s = {peak['accepted'] / ceiling:.2f} of "
            f"the ceiling (target ≥ 0.60)"
        )
        print(
            f"at half the peak (offered {half['offered']:,.0f}/s): p99 {half['p99']:.1f} ms "
            f"(target < 50 ms); server peak RSS {peak_rss_mib(server.pid):.0f} MiB"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--senders", type=int, default=200)
    rates = [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000]
    parser.add_argument("--rates", type=float, nargs="+", default=rates)
    parser.add_argument("--seconds", type=float, default=3.0, help="per rate")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
