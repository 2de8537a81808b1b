"""Bridges between communities, between real server processes on loopback (issue 17).

``a`` hosts the bridging community X and one of its members; ``b`` hosts the source community
Y and its poster; ``c`` hosts another member of X (who sees X's announces as any remote member
does). Everything crosses through the real inboxes, queues, handlers and delivery workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bridges.support import (
    announces_of,
    create_of,
    follow_state,
    post_row,
    settle,
    troubles,
)
from tests.e2e.support import Instance, eventually, start_instance

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bridges")]


@pytest.fixture
def trio(
    make_database: Callable[[], str], tmp_path: Path
) -> Iterator[tuple[Instance, Instance, Instance]]:
    started: list[Instance] = []
    try:
        for name in ("a", "b", "c"):
            started.append(start_instance(make_database(), tmp_path / name))
        yield started[0], started[1], started[2]
    finally:
        for instance in started:
            instance.server.stop()


def handle(instance: Instance, name: str) -> str:
    return f"@{name}@{instance.domain}"


def group_uri(instance: Instance, name: str) -> str:
    return f"{instance.base_url}/groups/{name}"


async def join(instance: Instance, person: str, group: str, host: Instance) -> None:
    """``person`` (of ``instance``) joins ``group`` (of ``host``) and is accepted."""
    where = group if host is instance else handle(host, group)
    instance.cli("member", "follow", person, where)
    await eventually(
        lambda: _equals(follow_state(instance, person, group_uri(host, group)), "accepted"),
        f"{person} to join {group}",
        instances=(instance, host),
    )


async def bridge(instance: Instance, group: str, source_host: Instance, source: str) -> None:
    """``group`` (of ``instance``) bridges ``source``, and the source accepts its follow."""
    where = source if source_host is instance else handle(source_host, source)
    out = instance.cli("group", "bridge", "add", group, where)
    assert "add_bridge applied" in out
    await eventually(
        lambda: _equals(follow_state(instance, group, group_uri(source_host, source)), "accepted"),
        f"{source} to accept {group}'s follow",
        instances=(instance, source_host),
    )


async def group_followers(instance: Instance, group: str) -> int:
    """How many communities follow our ``group``."""
    return int(
        await instance.fetchval(
            "SELECT count(*) FROM follows f JOIN actors g ON g.id = f.followee_id"
            " JOIN actors m ON m.id = f.follower_id WHERE g.username = $1 AND m.type = 'Group'",
            group,
        )
    )


async def no_troubles(*instances: Instance) -> None:
    """No handler broke on any server (refusals are recorded as ignored, with a reason)."""
    for instance in instances:
        for line in await troubles(instance, "ignored"):
            print(instance.domain, "ignored", line)
        assert await troubles(instance) == [], instance.domain


async def _equals(value: object, expected: object) -> bool:
    return await value == expected  # type: ignore[misc]


async def test_a_community_carries_another_servers_community_both_ways_and_cuts_it(
    trio: tuple[Instance, Instance, Instance],
) -> None:
    a, b, c = trio
    everyone = (a, b, c)
    a.cli("group", "create", "x", "--title", "Elm Street")
    b.cli("group", "create", "y", "--title", "City cycling")
    a.cli("user", "create", "ann")
    b.cli("user", "create", "bea")
    c.cli("user", "create", "cy")
    await join(a, "ann", "x", a)
    await join(b, "bea", "y", b)
    await join(c, "cy", "x", a)
    await bridge(a, "x", b, "y")
    assert "bridge from y@" in a.cli("group", "bridge", "list", "x")
    assert f"bridged by {group_uri(a, 'x')}\taccepted" in b.cli("group", "bridge", "list", "y")

    # a post in Y reaches X's members once, attributed to its author and to Y
    post = b.cli("member", "post", "bea", "New bike lanes on Elm Street", "--group", "y")
    create = await create_of(b, post)
    await settle(*everyone)
    assert await announces_of(a, "x", create) == 1  # X carried it, once
    assert await announces_of(a, "x", post) == 1  # and boosted the thread for microblogs
    on_c = await post_row(c, post)
    assert on_c is not None
    assert on_c["author"] == f"{b.base_url}/users/bea"
    assert on_c["group_uri"] == group_uri(a, "x")
    shares_on_c = await c.fetchval(
        "SELECT count(*) FROM group_shares s JOIN posts p ON p.id = s.post_id WHERE p.uri = $1",
        post,
    )
    assert shares_on_c == 1
    wrap = await c.fetchval(
        "SELECT verified_by || ' ' || state || ' ' || (body::jsonb ->> 'origin')"
        " FROM inbox_items WHERE activity_type = 'Announce' AND actor_uri = $1"
        " AND body::jsonb -> 'object' ->> 'id' = $2",
        group_uri(a, "x"),
        create,
    )
    assert wrap == f"cavage processed {group_uri(b, 'y')}"
    ann_sees = await a.fetchval(
        "SELECT count(*) FROM group_shares s JOIN posts p ON p.id = s.post_id"
        " JOIN follows f ON f.followee_id = s.group_id JOIN actors m ON m.id = f.follower_id"
        " WHERE p.uri = $1 AND m.username = 'ann'",
        post,
    )
    assert ann_sees == 1

    # replies made in X travel back to Y, which announces them; nothing comes back twice
    from_c = c.cli("member", "post", "cy", "Finally!", "--reply-to", post)
    from_a = a.cli("member", "post", "ann", "About time.", "--reply-to", post)
    await settle(*everyone)
    for author_server, reply in ((c, from_c), (a, from_a)):
        in_y = await post_row(b, reply)
        assert in_y is not None, reply
        assert in_y["group_uri"] == group_uri(b, "y"), reply
        reply_create = await create_of(author_server, reply)
        assert await announces_of(b, "y", reply_create) == 1
        assert await announces_of(a, "x", reply_create) == 1
    assert await b.fetchval("SELECT count(*) FROM deliveries WHERE state = 'rejected'") == 0

    # a removal in Y removes the copy X carried, on X's server and at X's members
    b.cli("mod", "remove", post, "--reason", "duplicate")
    await settle(*everyone)
    for instance in (a, c):
        row = await post_row(instance, post)
        assert row is not None, instance.domain
        assert row["deleted_at"] is not None, instance.domain

    # cutting the bridge stops everything at once
    a.cli("group", "bridge", "remove", "x", handle(b, "y"))
    await eventually(
        lambda: _equals(group_followers(b, "y"), 0),
        "Y to hear that the bridge is cut",
        instances=everyone,
    )
    later = b.cli("member", "post", "bea", "Nobody on Elm Street hears this", "--group", "y")
    await settle(*everyone)
    assert await post_row(a, later) is None
    assert await post_row(c, later) is None
    await no_troubles(*everyone)


async def test_two_way_bridges_and_a_triangle_make_no_loop_and_no_duplicate(
    trio: tuple[Instance, Instance, Instance],
) -> None:
    a, b, c = trio
    everyone = (a, b, c)
    a.cli("group", "create", "x")
    b.cli("group", "create", "y")
    c.cli("group", "create", "z")
    c.cli("user", "create", "cy")
    b.cli("user", "create", "bea")
    await join(c, "cy", "z", c)
    await join(b, "bea", "y", b)

    # a two-way bridge: X bridges Y and Y bridges X
    await bridge(a, "x", b, "y")
    await bridge(b, "y", a, "x")
    both_ways = b.cli("member", "post", "bea", "Both ways", "--group", "y")
    await settle(*everyone)
    create = await create_of(b, both_ways)
    assert await announces_of(b, "y", create) == 1
    assert await announces_of(a, "x", create) == 1
    assert await a.fetchval("SELECT count(*) FROM posts WHERE uri = $1", both_ways) == 1

    # a triangle X→Y→Z→X (each bridges the next), and X bridges Z too: a post in Z reaches
    # X through two bridges (directly, and through Y) and comes back to Z through X
    await bridge(b, "y", c, "z")
    await bridge(c, "z", a, "x")
    await bridge(a, "x", c, "z")
    around = c.cli("member", "post", "cy", "Around the triangle", "--group", "z")
    await settle(*everyone)
    create = await create_of(c, around)
    for instance, group in ((a, "x"), (b, "y"), (c, "z")):
        assert await announces_of(instance, group, create) == 1, group
        assert await instance.fetchval("SELECT count(*) FROM posts WHERE uri = $1", around) == 1
    carried = await a.fetchval(
        "SELECT count(*) FROM bridged_posts c JOIN posts p ON p.id = c.post_id WHERE p.uri = $1",
        around,
    )
    assert carried == 1
    await no_troubles(*everyone)
