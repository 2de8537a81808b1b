"""Issue 11, class 6: a `fediverse serve` killed with SIGKILL while deliveries to a slow host
are in flight, then restarted. The dead process's claims die with its lease, so the host gets
the rest within seconds of the restart, not after the 120 s visibility timeout."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from community.actors import find_local_actor
from community.storage.database import connect
from tests.e2e.support import Instance, start_instance
from tests.outbox.support import Sink, follow, insert_remote_actor

pytestmark = pytest.mark.slow

FOLLOWERS = 12  # each with an inbox of its own on one host whose cap is 4
#: "within a few seconds of the restart": well under the 120 s visibility timeout
BOUND_SECONDS = 5.0


@pytest.fixture
def server(make_database: Callable[[], str], tmp_path: Path) -> Iterator[Instance]:
    instance = start_instance(make_database(), tmp_path / "server")
    try:
        yield instance
    finally:
        instance.server.stop()


async def followers_on(server: Instance, sink: Sink) -> list[str]:
    """FOLLOWERS people on the sink's host follow alice; their inbox paths."""
    paths = [f"/users/u{n}/inbox" for n in range(FOLLOWERS)]
    async with connect(server.database_url) as conn:
        alice = await find_local_actor(conn, "alice")
        assert alice is not None
        for n, path in enumerate(paths):
            uri = f"http://{sink.host(0)}/users/u{n}"
            await follow(
                conn, await insert_remote_actor(conn, uri, f"http://{sink.host(0)}{path}"), alice
            )
    return paths


async def wait_until(check: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_a_killed_servers_claims_come_back_within_seconds_of_the_restart(
    server: Instance, sink: Sink
) -> None:
    server.cli("user", "create", "alice")
    paths = await followers_on(server, sink)
    sink.set_rules({sink.host(0): {"status": 202, "delay": 600}})  # answers nothing for now
    server.cli("member", "post", "alice", "Hello, slow host")
    await wait_until(lambda: len(sink.received()) >= 4, "4 deliveries in flight", 30)
    await asyncio.sleep(0.5)
    assert len(sink.received()) == 4, "never more in flight than the host's cap"

    server.server.stop(signal.SIGKILL)
    sink.set_rules({})
    restarted_at = time.time()
    server.server.start()
    ready_at = time.time()

    def arrived_after_restart() -> set[str]:
        return {r["path"] for r in sink.received() if r["at"] >= restarted_at}

    await wait_until(lambda: arrived_after_restart() == set(paths), "every inbox", 60)
    last = max(r["at"] for r in sink.received() if r["at"] >= restarted_at)
    print(
        f"\nkill -9 recovery: server ready {ready_at - restarted_at:.2f} s after the restart;"
        f" every inbox served {last - ready_at:.2f} s after it was ready"
    )
    assert last - ready_at < BOUND_SECONDS
    assert "took back 4 delivery claim(s) of dead or stuck workers" in server.server.log()
