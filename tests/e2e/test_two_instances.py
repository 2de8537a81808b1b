"""Two instances of our server, as real processes talking signed HTTP on loopback.

``hub`` hosts the communities; ``town`` hosts the people. Everything between them goes through
the real inbox, queue, handlers, fan-out and delivery worker of each side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.support import Instance, eventually, start_instance

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(make_database: Callable[[], str], tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    hub = start_instance(make_database(), tmp_path / "hub")
    town = start_instance(make_database(), tmp_path / "town")
    try:
        yield hub, town
    finally:
        for instance in (hub, town):
            instance.server.stop()


async def follow_state(town: Instance, person: str, group_uri: str) -> str | None:
    return await town.fetchval(
        "SELECT f.state FROM follows f JOIN actors p ON p.id = f.follower_id"
        " JOIN actors g ON g.id = f.followee_id WHERE p.username = $1 AND g.uri = $2",
        person,
        group_uri,
    )


async def member_count(hub: Instance, group: str) -> int:
    return int(
        await hub.fetchval(
            "SELECT count(*) FROM follows f JOIN actors g ON g.id = f.followee_id"
            " WHERE g.username = $1 AND f.state = 'accepted'",
            group,
        )
    )


async def test_people_on_one_server_join_post_reply_and_delete_in_a_group_on_another(
    pair: tuple[Instance, Instance],
) -> None:
    hub, town = pair
    both = (hub, town)
    hub.cli("group", "create", "commons", "--title", "The Commons")
    for name in ("alice", "bob"):
        town.cli("user", "create", name)
    commons = f"{hub.base_url}/groups/commons"
    handle = f"@commons@{hub.domain}"

    # `fediverse lookup`: WebFinger, a signed fetch, NodeInfo
    looked_up = town.cli("lookup", handle)
    assert f"Group @commons@{hub.domain}" in looked_up
    assert f"id:            {commons}" in looked_up
    assert "software:      fediverse" in looked_up
    assert f"key:           {commons}#main-key" in looked_up

    # follow, accept (the Accept crosses back and is verified by town)
    for name in ("alice", "bob"):
        town.cli("member", "follow", name, handle)
    for name in ("alice", "bob"):
        await eventually(
            lambda n=name: _is(follow_state(town, n, commons), "accepted"),
            f"{name}'s follow to be accepted",
            instances=both,
        )
    assert await member_count(hub, "commons") == 2

    # a post by mention reaches the group, which announces it back; town verifies the announce
    post_uri = town.cli("member", "post", "alice", "Hello commons!\nFirst post.", "--group", handle)
    await eventually(
        lambda: hub.fetchval("SELECT title FROM posts WHERE uri = $1", post_uri),
        "the post to reach the group",
        instances=both,
    )
    assert (
        await hub.fetchval("SELECT title FROM posts WHERE uri = $1", post_uri) == "Hello commons!"
    )
    await eventually(
        lambda: town.fetchval(
            "SELECT count(*) FROM group_shares s JOIN posts p ON p.id = s.post_id WHERE p.uri = $1",
            post_uri,
        ),
        "the group's announce to come back to town",
        instances=both,
    )
    announce = await town.fetchval(
        "SELECT verified_by || ' ' || state FROM inbox_items WHERE activity_type = 'Announce'"
        " AND actor_uri = $1 ORDER BY id LIMIT 1",
        commons,
    )
    assert announce == "cavage processed"

    # a reply threads under the post, in the group
    reply_uri = town.cli("member", "post", "bob", "Welcome, Alice.", "--reply-to", post_uri)
    await eventually(
        lambda: hub.fetchval("SELECT root_id FROM posts WHERE uri = $1", reply_uri),
        "the reply to reach the group",
        instances=both,
    )
    root = await hub.fetchval("SELECT id FROM posts WHERE uri = $1", post_uri)
    assert await hub.fetchval("SELECT root_id FROM posts WHERE uri = $1", reply_uri) == root
    assert (
        await hub.fetchval(
            "SELECT g.username FROM posts p JOIN actors g ON g.id = p.group_id WHERE p.uri = $1",
            reply_uri,
        )
        == "commons"
    )

    # a like travels too
    town.cli("member", "like", "bob", post_uri)
    await eventually(
        lambda: hub.fetchval(
            "SELECT count(*) FROM votes v JOIN posts p ON p.id = v.post_id WHERE p.uri = $1",
            post_uri,
        ),
        "the like to reach the group",
        instances=both,
    )

    # the author deletes: the group's copy goes, and the group tells its members
    town.cli("member", "delete", "alice", post_uri)
    await eventually(
        lambda: hub.fetchval("SELECT deleted_at IS NOT NULL FROM posts WHERE uri = $1", post_uri),
        "the deletion to reach the group",
        instances=both,
    )
    wrapped_kinds = await hub.fetchval(
        "SELECT array_agg((body::jsonb -> 'object' ->> 'type') ORDER BY id) FROM activities"
        " WHERE type = 'Announce' AND form = 'fep1b12'"
    )
    assert wrapped_kinds == ["Create", "Create", "Like", "Delete"]

    # Undo{Follow}: bob leaves
    town.cli("member", "unfollow", "bob", handle)
    await eventually(
        lambda: _is(member_count(hub, "commons"), 1), "bob to leave the group", instances=both
    )


async def test_a_closed_group_asks_its_moderators_first(pair: tuple[Instance, Instance]) -> None:
    hub, town = pair
    both = (hub, town)
    hub.cli("group", "create", "quiet", "--closed")
    for name in ("alice", "bob"):
        town.cli("user", "create", name)
    quiet = f"{hub.base_url}/groups/quiet"
    handle = f"@quiet@{hub.domain}"
    for name in ("alice", "bob"):
        town.cli("member", "follow", name, handle)
    await eventually(
        lambda: _is(hub.fetchval("SELECT count(*) FROM follows WHERE state = 'pending'"), 2),
        "both requests to arrive",
        instances=both,
    )
    requests = hub.cli("group", "requests", "quiet")
    assert f"@alice@{town.domain}" in requests
    assert f"@bob@{town.domain}" in requests

    hub.cli("group", "approve", "quiet", f"@bob@{town.domain}")
    hub.cli("group", "reject", "quiet", f"@alice@{town.domain}")
    await eventually(
        lambda: _is(follow_state(town, "bob", quiet), "accepted"),
        "bob's approval to reach town",
        instances=both,
    )
    await eventually(
        lambda: _is(follow_state(town, "alice", quiet), None, absent=True),
        "alice's rejection to reach town",
        instances=both,
    )
    assert await member_count(hub, "quiet") == 1
    assert "no pending requests" in hub.cli("group", "requests", "quiet")


async def _is(value: object, expected: object, *, absent: bool = False) -> bool:
    got = await value  # type: ignore[misc]
    return got is None if absent else got == expected
