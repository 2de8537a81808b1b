"""A community leaves one server for another, with its people: real server processes (A, the
old home; B, the new one; a town whose people belong to the community) and remote followers of
two kinds on loopback (a Mastodon-shaped one, and a Lemmy-shaped one, FEP-1b12).

Export on A (two moderators, three threads, votes), import on B, move A → B with both
moderators' consent. Then each follower's software does what it does: the Mastodon-shaped
follower gets a ``Move`` it can verify and re-follows B, which lets it in although B is
closed; the Lemmy-shaped one gets the "we moved" thread; the town's people follow B by
themselves (our own ``Move`` handler). Posting to B reaches the new follower; posting to A is
refused with B's address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.e2e.support import Instance, eventually, start_instance
from tests.portability.peers import AS2, Peer

pytestmark = pytest.mark.slow


@pytest.fixture
def world(make_database: Callable[[], str], tmp_path: Path) -> Iterator[SimpleNamespace]:
    a = start_instance(make_database(), tmp_path / "a")
    b = start_instance(make_database(), tmp_path / "b")
    town = start_instance(make_database(), tmp_path / "town")
    masto, lemmy = Peer("mastodon").start(), Peer("lemmy").start()
    try:
        yield SimpleNamespace(a=a, b=b, town=town, masto=masto, lemmy=lemmy)
    finally:
        for instance in (a, b, town):
            instance.server.stop()
        masto.stop()
        lemmy.stop()


def actor_document(uri: str) -> dict:
    response = httpx.get(uri, headers={"Accept": AS2}, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def followers_of(instance: Instance, group: str) -> int:
    return int(
        await instance.fetchval(
            "SELECT count(*) FROM follows f JOIN actors g ON g.id = f.followee_id"
            " WHERE g.local AND g.username = $1 AND f.state = 'accepted'",
            group,
        )
    )


def community_on_a(w: SimpleNamespace) -> SimpleNamespace:
    """commons on A: moderated by ann and bob; three threads, replies and votes."""
    a = w.a
    for name in ("ann", "bob", "cat"):
        a.cli("user", "create", name)
    a.cli(
        "group",
        "create",
        "commons",
        "--title",
        "The Commons",
        "--moderator",
        "ann",
        "--moderator",
        "bob",
    )
    a.cli("member", "follow", "cat", "commons")
    threads = [
        a.cli("member", "post", "ann", f"Welcome {n}", "--group", "commons", "--title", f"T{n}")
        for n in (1, 2, 3)
    ]
    for thread in threads:
        a.cli("member", "post", "cat", "A reply", "--reply-to", thread)
    a.cli("member", "like", "bob", threads[0])
    a.cli("member", "like", "cat", threads[0])
    return SimpleNamespace(uri=f"{a.base_url}/groups/commons", threads=threads)


def join(peer: Peer, person: str, group_uri: str) -> None:
    follow = {
        "id": f"{person}#follows/{group_uri[-12:]}",
        "type": "Follow",
        "actor": person,
        "object": group_uri,
    }
    assert peer.send(person, f"{group_uri}/inbox", follow) == 202


async def test_a_community_moves_with_its_followers(world: SimpleNamespace, tmp_path: Path) -> None:
    w = world
    everyone = (w.a, w.b, w.town)
    old = community_on_a(w)
    mia, leo = w.masto.person("mia"), w.lemmy.person("leo")
    join(w.masto, mia, old.uri)
    join(w.lemmy, leo, old.uri)
    w.town.cli("user", "create", "tia")
    w.town.cli("member", "follow", "tia", f"@commons@{w.a.domain}")
    await eventually(
        lambda: _equals(followers_of(w.a, "commons"), 4), "four followers on A", instances=everyone
    )
    assert len(w.masto.deliveries("Accept")) == 1

    # export on A, import on B (which is closed: its moderators approve newcomers)
    archive = tmp_path / "commons.tar.gz"
    w.a.cli("group", "export", "commons", "--output", str(archive))
    imported = w.b.cli("group", "import", str(archive), "--as", "commons")
    for count in ("threads: 3", "comments: 3", "votes: 2", "moderators: 2", "followers: 4"):
        assert count in imported, imported
    w.b.cli("group", "set", "commons", "--closed")
    new_uri = f"{w.b.base_url}/groups/commons"
    assert actor_document(new_uri)["alsoKnownAs"] == [old.uri]

    # the move needs both moderators
    proposed = w.a.cli("group", "move", "commons", "--to", f"@commons@{w.b.domain}", "--as", "ann")
    proposal = re.search(r"proposal (\d+): move waits", proposed)
    assert proposal, proposed
    assert "movedTo" not in actor_document(old.uri)
    applied = w.a.cli("group", "proposals", "approve", "commons", proposal[1], "--as", "bob")
    assert applied.startswith("move applied in commons@")
    assert actor_document(old.uri)["movedTo"] == new_uri

    # the Mastodon-shaped follower: an Update, then a Move it can verify
    [move] = await eventually(lambda: _deliveries(w.masto, "Move"), "the Move", instances=everyone)
    assert (move.activity["actor"], move.activity["object"]) == (old.uri, old.uri)
    assert move.activity["target"] == new_uri
    assert w.masto.verifies(move)
    [update] = w.masto.deliveries("Update")
    assert update.activity["object"]["movedTo"] == new_uri
    assert w.masto.verifies(update)
    # …and does what Mastodon does: the target names the old group, so follow it there
    assert old.uri in actor_document(move.activity["target"])["alsoKnownAs"]
    join(w.masto, mia, new_uri)
    accepts = await eventually(
        lambda: _deliveries(w.masto, "Accept", 2), "B to accept mia", instances=everyone
    )
    assert accepts[-1].activity["actor"] == new_uri
    assert w.masto.verifies(accepts[-1])

    # the Lemmy-shaped follower ignores actor moves: it reads the pinned thread
    announces = await eventually(
        lambda: _wrapped(w.lemmy, "Create"), "the moved thread", instances=everyone
    )
    thread = announces[0].activity["object"]["object"]
    assert thread["name"] == f"We moved to @commons@{w.b.domain}"
    assert w.lemmy.verifies(announces[0])

    # the town's people move by themselves (our Move handler), and B lets them in
    tia_follows = (
        "SELECT f.state FROM follows f JOIN actors g ON g.id = f.followee_id WHERE g.uri = $1"
    )
    await eventually(
        lambda: _equals(w.town.fetchval(tia_follows, new_uri), "accepted"),
        "B to accept tia, who followed the community on A",
        instances=everyone,
    )
    assert await w.town.fetchval("SELECT count(*) FROM follows") == 1  # A's was left
    await eventually(
        lambda: _equals(followers_of(w.b, "commons"), 3),
        "mia, tia and cat on B",
        instances=everyone,
    )
    admitted = await w.b.fetchval(
        "SELECT count(*) FROM modlog WHERE kind = 'admit_former_follower'"
    )
    assert admitted == 3

    # posting to B is announced to mia; posting to A is refused with B's address
    note = w.masto.note(mia, "Hello from the new place", to=[new_uri])
    create = {
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": mia,
        "object": note,
        "to": [new_uri],
    }
    assert w.masto.send(mia, f"{new_uri}/inbox", create) == 202
    await eventually(
        lambda: _boost_of(w.masto, note["id"]), "B's announce of mia's post", instances=everyone
    )
    late = w.lemmy.note(leo, "Anyone here?", to=[old.uri])
    late_create = {
        "id": f"{late['id']}/activity",
        "type": "Create",
        "actor": leo,
        "object": late,
        "to": [old.uri],
    }
    assert w.lemmy.send(leo, f"{old.uri}/inbox", late_create) == 202
    [reject] = await eventually(
        lambda: _deliveries(w.lemmy, "Reject"), "A to refuse leo's post", instances=everyone
    )
    assert reject.activity["summary"] == (
        f"this community moved to @commons@{w.b.domain} ({new_uri})"
    )
    assert w.lemmy.verifies(reject)
    for instance in everyone:
        failed = await instance.fetchval(
            "SELECT string_agg(activity_type || ': ' || error, '; ') FROM inbox_items"
            " WHERE state = 'failed'"
        )
        assert failed is None, failed


async def _equals(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return bool(await value == expected)


async def _deliveries(peer: Peer, kind: str, at_least: int = 1) -> list:
    found = peer.deliveries(kind)
    return found if len(found) >= at_least else []


async def _wrapped(peer: Peer, kind: str) -> list:
    return [
        d
        for d in peer.deliveries("Announce")
        if isinstance(d.activity["object"], dict) and d.activity["object"]["type"] == kind
    ]


async def _boost_of(peer: Peer, object_uri: str) -> list:
    return [d for d in peer.deliveries("Announce") if d.activity["object"] == object_uri]
