"""A real LitePub relay (ActivityRelay from PyPI, :mod:`tests.bridges.activityrelay`) between two
of our servers on loopback (issue 17).

``a`` (``localhost``) subscribes at the relay's actor (LitePub) and its community ``commons``
opts in; ``c`` (``127.0.0.1``) subscribes at the relay's inbox (Mastodon-style). A public post
in ``commons`` goes to the relay, which announces it to ``c``; ``c`` learns the community for
its directory, and puts the post in no one's timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.bridges.activityrelay import Relay, start_relay
from tests.bridges.support import NamedInstance, settle, start_named, troubles
from tests.e2e.support import eventually

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bridges")]


@pytest.fixture
def relayed(
    make_database: Callable[[], str], tmp_path: Path
) -> Iterator[tuple[Relay, NamedInstance, NamedInstance]]:
    relay = start_relay(tmp_path / "relay")
    started: list[NamedInstance] = []
    try:
        started.append(start_named(make_database(), tmp_path / "a", "localhost"))
        started.append(start_named(make_database(), tmp_path / "c", "127.0.0.1"))
        yield relay, started[0], started[1]
    finally:
        for instance in started:
            instance.server.stop()
        relay.stop()


async def relay_state(instance: NamedInstance) -> list[str]:
    conn_rows = await instance.fetchval("SELECT array_agg(state ORDER BY id) FROM relays")
    return list(conn_rows or [])


async def test_an_opted_in_community_publishes_through_a_real_relay(
    relayed: tuple[Relay, NamedInstance, NamedInstance],
) -> None:
    relay, a, c = relayed
    both = (a, c)
    summary = "Bikes, buses and benches. #cycling #transit"
    a.cli("group", "create", "commons", "--title", "The Commons", "--summary", summary)
    a.cli("group", "create", "quiet", "--title", "Quiet corner")
    a.cli("user", "create", "ann")
    for group in ("commons", "quiet"):
        a.cli("member", "follow", "ann", group)

    assert "litepub" in a.cli("relay", "add", "--group", "commons", relay.actor)
    assert "mastodon" in c.cli("relay", "add", relay.inbox)
    for instance in both:
        await eventually(
            lambda i=instance: _equals(relay_state(i), ["accepted"]),
            f"the relay to accept {instance.domain}",
            instances=both,
        )
    subscribers = relay.subscribers()
    assert f"{a.base_url}/actor" in subscribers
    assert f"{c.base_url}/actor" in subscribers
    await settle(*both)
    assert "publishes" in a.cli("relay", "list", "--group", "commons")

    post = a.cli("member", "post", "ann", "Hello, relay", "--group", "commons", "--title", "Hi")
    quiet = a.cli("member", "post", "ann", "Not for relays", "--group", "quiet")
    await eventually(
        lambda: c.fetchval("SELECT count(*) FROM discovered_groups"),
        "c to learn of commons through the relay",
        instances=both,
    )
    await settle(*both)
    relayed_announce = await c.fetchval(
        "SELECT body::jsonb ->> 'object' FROM inbox_items WHERE activity_type = 'Announce'"
        " AND actor_uri = $1",
        relay.actor,
    )
    assert relayed_announce == post  # the relay received the post and announced it to c
    assert "POST /inbox" in relay.log()
    # what relays announce feeds the directory, not timelines; quiet did not opt in
    assert await c.fetchval("SELECT count(*) FROM posts WHERE uri = ANY($1)", [post, quiet]) == 0
    via = await c.fetchval(
        "SELECT d.via FROM discovered_groups d JOIN actors a ON a.id = d.actor_id WHERE a.uri = $1",
        f"{a.base_url}/groups/commons",
    )
    assert via == "relay"
    assert await c.fetchval("SELECT count(*) FROM discovered_groups") == 1

    # the directory of c lists it, with its tags, searchable
    found = httpx.get(f"{c.base_url}/api/v1/directory", params={"local": "false"}).json()
    assert [g["acct"] for g in found] == [f"commons@{a.domain}"]
    assert found[0]["group"] is True
    assert found[0]["fediverse"]["tags"] == ["cycling", "transit"]
    assert found[0]["followers_count"] == 1
    by_tag = httpx.get(f"{c.base_url}/api/v1/directory", params={"tag": "transit"}).json()
    assert [g["acct"] for g in by_tag] == [f"commons@{a.domain}"]
    assert httpx.get(f"{c.base_url}/api/v1/directory", params={"tag": "knitting"}).json() == []
    assert httpx.get(f"{c.base_url}/api/v1/directory", params={"local": "true"}).json() == []

    # leaving the relay: an Undo{Follow}, and the relay forgets us
    a.cli("relay", "remove", relay.actor)
    await eventually(
        lambda: _true(f"{a.base_url}/actor" not in relay.subscribers()),
        "the relay to forget a",
        instances=both,
    )
    for instance in both:
        assert await troubles(instance) == [], instance.domain


async def _equals(value: object, expected: object) -> bool:
    return await value == expected  # type: ignore[misc]


async def _true(value: bool) -> bool:
    return value
