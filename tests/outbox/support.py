"""Test support for delivery: the sink process (bench/sink.py) and a small world of actors."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from community.actors import Actor, create_local_actor
from community.groups import create_group
from community.storage.database import Conn
from community.urls import Urls

ROOT = Path(__file__).resolve().parents[2]
SINK = ROOT / "bench" / "sink.py"
BASE_URL = "https://social.test"
LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


@dataclass
class Sink:
    """A real sink process with ``instances`` loopback hosts; see bench/sink.py."""

    instances: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self) -> Sink:
        ready = self.workdir / f"sink-{id(self)}.port"
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(SINK),
                "--instances",
                str(self.instances),
                "--keep",
                "--ready-file",
                str(ready),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the sink did not start")
            time.sleep(0.05)
        self.port = int(ready.read_text())
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def host(self, index: int) -> str:
        from bench.sink import instance_address

        return f"{instance_address(index)}:{self.port}"

    def inbox(self, index: int) -> str:
        return f"http://{self.host(index)}/inbox"

    def _control(self, method: str, path: str, payload: Any = None) -> Any:
        url = f"http://{self.host(0)}/_sink/{path}"
        response = httpx.request(method, url, json=payload, timeout=10)
        response.raise_for_status()
        return response.json()

    def set_rules(self, rules: dict[str, dict[str, Any]]) -> None:
        self._control("POST", "rules", rules)

    def received(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "received"))

    def stats(self) -> dict[str, Any]:
        return dict(self._control("GET", "stats"))


async def insert_remote_actor(
    conn: Conn, uri: str, inbox_uri: str, shared_inbox_uri: str | None = None
) -> Actor:
    host = uri.split("/")[2]
    record = await conn.fetchrow(
        """INSERT INTO actors (uri, type, username, domain, local, inbox_uri, shared_inbox_uri)
           VALUES ($1, 'Person', $2, $3, false, $4, $5) RETURNING *""",
        uri,
        uri.rsplit("/", 1)[-1],
        host,
        inbox_uri,
        shared_inbox_uri,
    )
    return Actor.from_record(record)


async def follow(conn: Conn, follower: Actor, followee: Actor) -> None:
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        follower.id,
        followee.id,
    )


async def make_group(conn: Conn, name: str = "garden") -> Actor:
    return await create_group(conn, Urls(BASE_URL), name)


async def make_person(conn: Conn, name: str) -> Actor:
    return await create_local_actor(conn, Urls(BASE_URL), "Person", name)


async def add_sink_followers(conn: Conn, group: Actor, sink: Sink, per_host: int = 1) -> None:
    """``per_host`` followers on each sink instance, all sharing that instance's inbox."""
    for index in range(sink.instances):
        for n in range(per_host):
            actor = await insert_remote_actor(
                conn,
                f"http://{sink.host(index)}/users/u{n}",
                f"http://{sink.host(index)}/users/u{n}/inbox",
                sink.inbox(index),
            )
            await follow(conn, actor, group)


def note(group: Actor, number: int = 1) -> dict[str, Any]:
    uri = f"{BASE_URL}/activities/{number}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": uri,
        "type": "Announce",
        "actor": group.uri,
        "object": f"{BASE_URL}/objects/{number}",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [group.followers_uri],
    }
