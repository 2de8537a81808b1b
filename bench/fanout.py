"""One post in a group whose followers live on many fake instances: how fast does it reach them?

Sets up a fresh database with one local group and ``--followers`` remote followers spread
over ``--instances`` instances (each with one shared inbox, served by bench/sink.py on its
own loopback address), measures this machine's RSA-2048 signing ceiling (signatures per
second on all cores), starts ``--workers`` real ``fediverse worker`` processes, then sends
``--posts`` posts one after the other (the first finds every connection cold, the next ones
find them kept alive) and prints, for each: deliveries per second, time from commit to the
last delivery, and the ratio of deliveries per second to the signing ceiling; then the peak
memory (VmHWM) of the worker processes.

    .venv/bin/python bench/fanout.py --instances 500 --followers 50000

Uses ``DATABASE_URL`` if set (the role must be allowed to create databases), otherwise an
embedded PostgreSQL under /tmp/fediverse-bench.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss_mib, scratch_database  # noqa: E402
from bench.sink import instance_address  # noqa: E402
from community.actors import Actor, get_local_key  # noqa: E402
from community.groups import create_group  # noqa: E402
from community.storage.database import connect  # noqa: E402
from community.storage.migrations import migrate  # noqa: E402
from community.urls import Urls  # noqa: E402
from outbox import Audience, Outgoing, send  # noqa: E402

BASE_URL = "https://bench.test"


# -- the signing ceiling ------------------------------------------------------------------
def _sign_for(seconds: float) -> int:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = b"(request-target): post /inbox\nhost: example\ndate: now\ndigest: SHA-256=x"
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        count += 1
    return count


def measure_ceiling(seconds: float = 3.0) -> float:
    """RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second, one process per core."""
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_sign_for, [0.1] * cores))  # warm up
        started = time.perf_counter()
        total = sum(pool.map(_sign_for, [seconds] * cores))
        elapsed = time.perf_counter() - started
    return total / elapsed


# -- the world ----------------------------------------------------------------------------
async def build_world(url: str, instances: int, followers: int, port: int) -> Actor:
    async with connect(url) as conn:
        await migrate(conn)
        group = await create_group(conn, Urls(BASE_URL), "bench")
        hosts = [f"{instance_address(i)}:{port}" for i in range(instances)]
        await conn.execute(
            """INSERT INTO actors (uri, type, username, domain, local, inbox_uri,
                                   shared_inbox_uri)
               SELECT 'http://' || h || '/users/u' || n, 'Person', 'u' || n, h, false,
                      'http://' || h || '/users/u' || n || '/inbox', 'http://' || h || '/inbox'
               FROM generate_series(0, $1 - 1) AS n,
                    LATERAL (SELECT ($2::text[])[n % array_length($2::text[], 1) + 1]) AS t(h)""",
            followers,
            hosts,
        )
        # tens of thousands of follows at once: skip the per-row counter trigger, count once
        await conn.execute("SET session_replication_role = replica")
        await conn.execute(
            """INSERT INTO follows (follower_id, followee_id, state)
               SELECT id, $1, 'accepted' FROM actors WHERE NOT local""",
            group.id,
        )
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute(
            "UPDATE actors SET followers_count = $2 WHERE id = $1", group.id, followers
        )
        await conn.execute("ANALYZE")
        await get_local_key(conn, group)
        return group


def activity(group: Actor, number: int) -> dict[str, object]:
    """A 2 KB Announce, about the size of a post with some text."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{BASE_URL}/activities/bench-{number}-{uuid.uuid4().hex}",
        "type": "Announce",
        "actor": group.uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [group.followers_uri],
        "object": {
            "id": f"{BASE_URL}/objects/{number}",
            "type": "Note",
            "attributedTo": group.uri,
            "content": "<p>" + "A post of about two kilobytes. " * 56 + "</p>",
        },
    }


# -- processes ----------------------------------------------------------------------------
def start_sink(instances: int, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    ready = workdir / "sink.port"
    sink = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "sink.py"),
            "--instances",
            str(instances),
            "--ready-file",
            str(ready),
        ],
        stderr=subprocess.DEVNULL,
    )
    while not ready.exists():
        if sink.poll() is not None:
            raise SystemExit("the sink did not start")
        time.sleep(0.05)
    return sink, int(ready.read_text())


def start_workers(count: int, url: str, workdir: Path) -> list[subprocess.Popen[bytes]]:
    # FEDIVERSE_DELIVERY_* settings of the caller pass through (to try tuning)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FEDIVERSE_") or k.startswith("FEDIVERSE_DELIVERY_")
    }
    env.update(
        DATABASE_URL=url,
        FEDIVERSE_DOMAIN=BASE_URL.split("://", 1)[1],
        FEDIVERSE_ALLOW_PRIVATE_ADDRESSES="127.0.0.0/8",
        FEDIVERSE_LOG_LEVEL="WARNING",
        FEDIVERSE_DATA_DIR=str(workdir),
    )
    return [
        subprocess.Popen([sys.executable, "-m", "fediverse", "worker"], env=env, cwd=workdir)
        for _ in range(count)
    ]


_control = httpx.Client(timeout=10)


def sink_stats(port: int) -> dict[str, float]:
    """The sink's counters (its clock says when the last delivery arrived)."""
    response = _control.get(f"http://127.0.0.1:{port}/_sink/stats")
    return dict(response.json())


# -- one post -----------------------------------------------------------------------------
async def post_and_wait(
    url: str, group: Actor, number: int, port: int, expected: int
) -> tuple[float, float, float]:
    """Send one post; return (seconds to store the fan-out, committed at, last delivery at)."""
    _control.post(f"http://127.0.0.1:{port}/_sink/reset")
    before = 0
    conn = await asyncpg.connect(url)
    try:
        started = time.time()
        async with conn.transaction():
            outgoing = Outgoing.of(activity(group, number))
            queued = await send(conn, group, outgoing, Audience(followers_of=group))
        committed = time.time()
    finally:
        await conn.close()
    assert queued == expected, f"queued {queued}, expected {expected}"
    deadline = time.monotonic() + 120
    while True:
        stats = sink_stats(port)
        if stats["distinct"] - before >= expected:
            print(f"  first delivery {(stats['first_at'] - committed) * 1000:.0f} ms after commit")
            return committed - started, committed, stats["last_at"]
        if time.monotonic() > deadline:
            raise SystemExit(f"only {stats['distinct'] - before} of {expected} arrived")
        await asyncio.sleep(0.1)  # polling rate does not change the figures: the sink's clock does


async def deliver_posts(
    args: argparse.Namespace, url: str, port: int, group: Actor
) -> list[tuple[float, float]]:
    """Send the posts one after the other, measuring the signing ceiling around each (this
    machine's speed drifts: other guests share its host); return (rate, ceiling) per post."""
    results = []
    before = measure_ceiling(1.0)
    for number in range(1, args.posts + 1):
        store, committed, last = await post_and_wait(url, group, number, port, args.instances)
        after = measure_ceiling(1.0)
        elapsed, ceiling = last - committed, max(before, after)
        rate = args.instances / elapsed
        label = "cold connections" if number == 1 else "kept-alive connections"
        print(
            f"post {number} ({label}): fan-out stored in {store * 1000:.0f} ms; "
            f"{args.instances} deliveries, the last {elapsed * 1000:.0f} ms after commit: "
            f"{rate:.0f} deliveries/s; ceiling {before:.0f}/{after:.0f} signs/s "
            f"before/after; ratio {rate / ceiling:.2f}"
        )
        results.append((rate, ceiling))
        before = after
    return results


def report(results: list[tuple[float, float]], peaks: list[float], sink: float) -> None:
    ratios = [rate / ceiling for rate, ceiling in results]
    warm = sorted(ratios[1:]) or ratios
    cold_rate, cold_ceiling = results[0]
    print(
        f"peak RSS of worker process(es): {', '.join(f'{p:.0f} MiB' for p in peaks)} "
        f"(the sink, not ours: {sink:.0f} MiB)"
    )
    print(
        f"summary: cold connections {cold_rate:.0f} deliveries/s (ceiling {cold_ceiling:.0f}) "
        f"= {ratios[0]:.2f}; kept-alive ratio median {warm[len(warm) // 2]:.2f}, "
        f"min {warm[0]:.2f}, max {warm[-1]:.2f}"
    )


async def run(args: argparse.Namespace) -> None:
    async with scratch_database("fediverse_bench") as url:
        await measure(args, url)


async def measure(args: argparse.Namespace, url: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fediverse-bench-"))
    sink, port = start_sink(args.instances, workdir)
    group = await build_world(url, args.instances, args.followers, port)
    print(f"{args.followers} followers on {args.instances} instances; {args.workers} worker(s)")
    workers = start_workers(args.workers, url, workdir)
    try:
        await asyncio.sleep(2)  # let the workers start and listen
        results = await deliver_posts(args, url, port, group)
        peaks = [peak_rss_mib(w.pid) for w in workers]
        sink_peak = peak_rss_mib(sink.pid)
    finally:
        for process in [*workers, sink]:
            process.terminate()
        for process in [*workers, sink]:
            process.wait(30)
    report(results, peaks, sink_peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=500)
    parser.add_argument("--followers", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--posts", type=int, default=6, help="posts, one after the other")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
