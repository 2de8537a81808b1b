"""Scale-out: two web and two worker processes against one PostgreSQL, under a bounded load.

Remote members (on a sink of fake instances) post into a group through BOTH web processes;
two `fediverse worker` processes share the inbox and delivery queues. Nothing may be lost
(every accepted post processed once, every announce delivered to every instance) and nothing
delivered twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import orjson
import pytest

from community.groups import create_group
from community.remote import store_actor_document
from community.storage.database import connect
from community.urls import Urls
from federation.cavage import sign_headers
from federation.keys import generate_rsa_keypair, load_private_key
from tests.e2e.support import Instance, start_instance
from tests.helpers import ServerProcess, free_port, start_worker
from tests.outbox.support import Sink

pytestmark = pytest.mark.slow

INSTANCES = 4
POSTS = 60
KEYS = generate_rsa_keypair()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    running = Sink(INSTANCES, tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def cluster(
    make_database: Callable[[], str], tmp_path: Path, sink: Sink
) -> Iterator[tuple[Instance, ServerProcess, str]]:
    url = make_database()
    first = start_instance(url, tmp_path / "web1", run_workers="false")
    (tmp_path / "web2").mkdir()
    port = free_port()
    env = {**first.server.env, "FEDIVERSE_PORT": str(port)}
    second = ServerProcess(port, env, tmp_path / "web2").start()
    workers = [start_worker(first.server.env, tmp_path) for _ in range(2)]
    try:
        yield first, second, url
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(30)
        second.stop()
        first.server.stop()


async def make_members(conn: asyncpg.Connection, sink: Sink, group_id: int) -> list[str]:
    members = []
    for index in range(INSTANCES):
        uri = f"http://{sink.host(index)}/users/m{index}"
        doc = {
            "id": uri,
            "type": "Person",
            "preferredUsername": f"m{index}",
            "inbox": uri + "/inbox",
            "endpoints": {"sharedInbox": sink.inbox(index)},
            "followers": uri + "/followers",
            "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": KEYS[1]},
        }
        actor = await store_actor_document(conn, doc, uri)
        await conn.execute(
            "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
            actor.id,
            group_id,
        )
        members.append(uri)
    return members


def signed_post(
    base_url: str, member: str, group_uri: str, number: int
) -> tuple[bytes, dict[str, str]]:
    note_id = f"{member}/notes/{number}"
    body = orjson.dumps(
        {
            "id": note_id + "/activity",
            "type": "Create",
            "actor": member,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [group_uri],
            "object": {
                "id": note_id,
                "type": "Note",
                "attributedTo": member,
                "content": f"<p>post {number}</p>",
                "cc": [group_uri],
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            },
        }
    )
    headers = {"Content-Type": "application/activity+json"}
    key = load_private_key(KEYS[0], trusted=True)
    signed = sign_headers(
        "POST", base_url + "/inbox", headers, body, member + "#main-key", key, datetime.now(UTC)
    )
    headers.update(signed)
    return body, headers


async def test_two_web_and_two_worker_processes_lose_nothing_and_repeat_nothing(
    cluster: tuple[Instance, ServerProcess, str], sink: Sink
) -> None:
    first, second, url = cluster
    async with connect(url) as conn:
        group = await create_group(conn, Urls(first.base_url), "commons")
        members = await make_members(conn, sink, group.id)
    webs = [first.server.base_url, second.base_url]
    async with httpx.AsyncClient(timeout=30) as client:
        sends = []
        for number in range(POSTS):
            web = webs[number % 2]
            body, headers = signed_post(web, members[number % INSTANCES], group.uri, number)
            sends.append(client.post(web + "/inbox", content=body, headers=headers))
        answers = await asyncio.gather(*sends)
    assert [a.status_code for a in answers] == [202] * POSTS

    # every post processed once; each becomes two announces (unknown software gets both
    # forms) delivered to each of the instances
    expected = POSTS * 2 * INSTANCES
    deadline = time.monotonic() + 90
    async with connect(url) as conn:
        while True:
            processed = await conn.fetchval(
                "SELECT count(*) FROM inbox_items WHERE state = 'processed'"
            )
            delivered = await conn.fetchval(
                "SELECT count(*) FROM deliveries WHERE state = 'delivered'"
            )
            if processed == POSTS and delivered == expected:
                break
            assert time.monotonic() < deadline, f"{processed} processed, {delivered} delivered"
            await asyncio.sleep(0.2)
        assert await conn.fetchval("SELECT count(*) FROM inbox_items") == POSTS
        assert await conn.fetchval("SELECT count(*) FROM posts") == POSTS
        assert await conn.fetchval("SELECT max(attempts) FROM inbox_items") == 1
    stats = sink.stats()
    assert stats["distinct"] == expected, "every announce reached every instance"
    assert stats["count"] == expected, "and none twice"
