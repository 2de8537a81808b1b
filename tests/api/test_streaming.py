"""The streaming API on real processes: two web processes share one PostgreSQL; a WebSocket
client connected to one hears what the other and a CLI process write, through LISTEN/NOTIFY."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from community.storage.database import connect
from community.urls import Urls
from tests.api.streams import Frame, StreamClient
from tests.api.support import make_member
from tests.e2e.support import Instance, start_instance
from tests.helpers import ServerProcess, free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(make_database: Callable[[], str], tmp_path: Path) -> Iterator[tuple[Instance, str]]:
    """web1 (with the workers) and web2 (web only), one database; (web1, web2's base URL)."""
    first = start_instance(make_database(), tmp_path / "web1")
    (tmp_path / "web2").mkdir()
    port = free_port()
    env = {**first.server.env, "FEDIVERSE_PORT": str(port), "FEDIVERSE_RUN_WORKERS": "false"}
    second = ServerProcess(port, env, tmp_path / "web2").start()
    try:
        yield first, second.base_url
    finally:
        second.stop()
        first.server.stop()


async def members(instance: Instance, *names: str) -> dict[str, dict[str, str]]:
    async with connect(instance.database_url) as conn:
        urls = Urls(instance.base_url)
        return {name: await make_member(conn, urls, name) for name in names}


def token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def is_update(stream: list[str], uri: str) -> Callable[[Frame], bool]:
    return lambda f: f.event == "update" and f.stream == stream and f.status["uri"] == uri


async def test_a_websocket_hears_what_other_processes_write(pair: tuple[Instance, str]) -> None:
    web1, web2_url = pair
    people = await members(web1, "alice", "bob")
    alice = await StreamClient.open(web2_url, token(people["alice"]), stream="user")
    bob = await StreamClient.open(web2_url, token(people["bob"]), stream="user:notification")
    await alice.subscribe("public:local")
    await alice.subscribe("hashtag", tag="Plants")
    async with httpx.AsyncClient(base_url=web1.base_url) as http:
        bob_id = (await http.get("/api/v1/accounts/lookup", params={"acct": "bob"})).json()["id"]
        followed = await http.post(f"/api/v1/accounts/{bob_id}/follow", headers=people["alice"])
        assert followed.status_code == 200, followed.text
        note = await bob.wait_for(lambda f: f.event == "notification", "the follow notification")
        assert (note.status["type"], note.status["account"]["acct"]) == ("follow", "alice")

        uri = web1.cli("member", "post", "bob", "Tomatoes are in!")
        update = await alice.wait_for(is_update(["user"], uri), "bob's post in alice's home")
        assert update.status["account"]["acct"] == "bob"
        assert update.status["favourited"] is False
        await alice.wait_for(is_update(["public:local"], uri), "the post on public:local")
        tagged = await http.post(
            "/api/v1/statuses", headers=people["bob"], json={"status": "Basil too #plants"}
        )
        await alice.wait_for(is_update(["hashtag", "Plants"], tagged.json()["uri"]), "its tag")
        await alice.unsubscribe("hashtag", tag="Plants")
        again = await http.post(
            "/api/v1/statuses", headers=people["bob"], json={"status": "Mint #plants"}
        )
        await alice.wait_for(is_update(["user"], again.json()["uri"]), "the next post")
        assert not any(
            is_update(["hashtag", "Plants"], again.json()["uri"])(f) for f in alice.frames
        )

        status_id = update.status["id"]
        deleted = await http.delete(f"/api/v1/statuses/{status_id}", headers=people["bob"])
        assert deleted.status_code == 200
    await alice.wait_for(lambda f: f.event == "delete" and f.payload == status_id, "the delete")
    assert not alice.errors
    await alice.close()
    await bob.close()


async def test_refusals_are_mastodons(pair: tuple[Instance, str]) -> None:
    web1, web2_url = pair
    people = await members(web1, "carol")
    with pytest.raises(InvalidStatus) as refused:
        await StreamClient.open(web2_url, "not-a-token", stream="user")
    assert refused.value.response.status_code == 401
    carol = await StreamClient.open(web2_url, token(people["carol"]))
    await carol.subscribe("everything")
    await carol.subscribe("hashtag")
    await carol.subscribe("list", list="12345")
    async with httpx.AsyncClient(base_url=web2_url) as http:
        sse = await http.get("/api/v1/streaming/public/local")
        assert (sse.status_code, sse.json()) == (401, {"error": "Missing access token"})
        health = await http.get("/api/v1/streaming/health")
        assert health.text == "OK"
        instance = (await http.get("/api/v2/instance")).json()
    assert instance["configuration"]["urls"]["streaming"] == web1.base_url.replace("http", "ws")
    assert await carol.wait_for_errors(3) == [
        {"error": "Unknown stream type", "status": 400},
        {"error": "Missing tag name parameter", "status": 400},
        {"error": "Not authorized to stream this list", "status": 401},
    ]
    web1.cli("user", "suspend", "carol")  # her tokens stop working, and so do her streams
    assert await carol.closed_by_server() == (1008, "the token was revoked")


async def test_server_sent_events_carry_the_user_stream(pair: tuple[Instance, str]) -> None:
    web1, web2_url = pair
    people = await members(web1, "dora")
    async with (
        httpx.AsyncClient(base_url=web2_url, timeout=30) as http,
        http.stream("GET", "/api/v1/streaming/user", headers=people["dora"]) as events,
    ):
        assert events.headers["content-type"].startswith("text/event-stream")
        lines = events.aiter_lines()
        assert await anext(lines) == ":)"
        uri = web1.cli("member", "post", "dora", "Hello from the CLI")
        seen: list[str] = []
        async for line in lines:
            seen.append(line)
            if line.startswith("data: ") and uri in line:
                break
    assert "event: update" in seen
