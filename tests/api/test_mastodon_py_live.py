"""Mastodon.py and a WebSocket client on two real servers: live updates and a block.

``hub`` hosts the community ``garden`` and its member bob; ``town`` hosts alice. bob listens
on a WebSocket (the ``websockets`` package, Mastodon's protocol) and with Mastodon.py's
``stream_user`` (server-sent events) while alice, on the other server, posts into the garden
and mentions him: both hear the group's ``update`` and the ``notification``. Then bob blocks
alice: her posts leave his timelines and streams, and town receives a ``Block`` it verifies.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mastodon import Mastodon, StreamListener

from tests.api.streams import StreamClient
from tests.api.test_mastodon_py import (
    announce_of,
    eventually,
    servers,
    sign_in_with_log_in,
    sign_in_with_pkce,
)
from tests.e2e.support import Instance
from tests.e2e.support import eventually as soon

pytestmark = pytest.mark.slow

__all__ = ["servers"]  # the two servers, started once for this module too


class Collected(StreamListener):  # type: ignore[misc]
    """What Mastodon.py's ``stream_user`` hands its listener."""

    def __init__(self) -> None:
        self.updates: list[Any] = []
        self.notifications: list[Any] = []

    def on_update(self, status: Any) -> None:
        self.updates.append(status)

    def on_notification(self, notification: Any) -> None:
        self.notifications.append(notification)


def join(member: Mastodon, group_id: Any, *instances: Instance) -> None:
    member.account_follow(group_id)
    following = lambda: member.account_relationships(group_id)[0].following  # noqa: E731
    eventually(following, "a join", *instances)


async def inbox_item(instance: Instance, kind: str, actor_uri: str) -> Any:
    return await instance.fetchval(
        "SELECT verified_by || ' ' || state FROM inbox_items"
        " WHERE activity_type = $1 AND actor_uri = $2 AND state <> 'received'"
        " AND state <> 'processing'",
        kind,
        actor_uri,
    )


async def test_streams_hear_a_remote_post_and_a_block_reaches_its_server(
    servers: tuple[Instance, Instance],
) -> None:
    hub, town = servers
    alice = sign_in_with_pkce(town, "alice")
    bob = sign_in_with_log_in(hub, "bob")
    garden_there = alice.search_v2(f"@garden@{hub.domain}", resolve=True).accounts[0]
    join(alice, garden_there.id, hub, town)
    join(bob, bob.account_lookup("garden").id, hub)

    socket = await StreamClient.open(hub.base_url, bob.access_token, stream="user")
    collected = Collected()
    sse = bob.stream_user(collected, run_async=True)
    try:
        await hear_a_remote_post(alice, bob, socket, collected, hub, town)
        await block_and_check(alice, bob, socket, hub, town)
    finally:
        sse.close()
        await socket.close()


async def hear_a_remote_post(
    alice: Mastodon,
    bob: Mastodon,
    socket: StreamClient,
    collected: Collected,
    hub: Instance,
    town: Instance,
) -> None:
    posted = await asyncio.to_thread(
        alice.status_post, f"@garden@{hub.domain} @bob@{hub.domain} The first strawberries!"
    )
    update = await socket.wait_for(
        lambda f: f.event == "update" and (f.status["reblog"] or {}).get("uri") == posted.uri,
        "the garden's share of alice's post",
    )
    assert update.status["account"]["acct"] == "garden"
    note = await socket.wait_for(lambda f: f.event == "notification", "the mention")
    assert (note.status["type"], note.status["account"]["acct"]) == (
        "mention",
        f"alice@{town.domain}",
    )
    await soon(lambda: _true(collected.updates and collected.notifications), "Mastodon.py's events")
    assert collected.updates[0].reblog.uri == posted.uri
    assert collected.notifications[0].type == "mention"


async def block_and_check(
    alice: Mastodon, bob: Mastodon, socket: StreamClient, hub: Instance, town: Instance
) -> None:
    alice_here = bob.account_lookup(f"alice@{town.domain}")
    home = bob.timeline_home()
    shared = [s.reblog.uri for s in home if s.reblog and s.reblog.account.id == alice_here.id]
    assert shared
    assert bob.account_block(alice_here.id).blocking is True
    assert announce_of(bob, shared[0]) is None
    bob_uri = f"{hub.base_url}/users/bob"
    both = (hub, town)
    verified = await soon(lambda: inbox_item(town, "Block", bob_uri), "the Block", instances=both)
    assert verified.endswith(" processed")
    assert not verified.startswith("local ")

    later = await asyncio.to_thread(alice.status_post, f"@garden@{hub.domain} More strawberries")
    query = "SELECT count(*) FROM posts WHERE uri = $1"
    await soon(lambda: hub.fetchval(query, later.uri), "the later post at hub", instances=both)
    await asyncio.sleep(1)
    heard = [
        (f.status.get("reblog") or f.status)["uri"] for f in socket.frames if f.event == "update"
    ]
    assert later.uri not in heard
    assert announce_of(bob, later.uri) is None

    assert bob.account_unblock(alice_here.id).blocking is False
    undone = await soon(lambda: inbox_item(town, "Undo", bob_uri), "the Undo", instances=both)
    assert not undone.startswith("local ")


async def _true(value: Any) -> Any:
    return value
