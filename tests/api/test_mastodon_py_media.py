"""Mastodon.py drives two real servers: a picture, an edit and a poll travel between them.

``hub`` hosts the community ``garden`` and bob; ``town`` hosts alice and dave. alice uploads a
picture with alt text and posts it into garden: hub receives the attachment as a ``Document``
with everything apps need (``mediaType``, ``url``, ``name``, ``blurhash``, ``width``,
``height``) and bob sees it, linked to town. alice edits the post: the edit arrives. alice asks
a question in garden; bob votes from hub, dave at town; the counts agree on both sides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import requests
from mastodon import Mastodon

from tests.api.images import jpeg_with_gps
from tests.api.support import PASSWORD
from tests.api.test_mastodon_py import (
    announce_of,
    eventually,
    sign_in_with_log_in,
    sign_in_with_pkce,
)
from tests.e2e.support import Instance, instances_on_new_databases

pytestmark = pytest.mark.slow

ALT = "Red roses climbing the garden wall"


@pytest.fixture(scope="module")
def servers(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Instance, Instance]]:
    root = tmp_path_factory.mktemp("mastodon_py_media")
    with instances_on_new_databases(
        pg_admin_url, template_database, root, ("hub", "town")
    ) as started:
        hub, town = started
        hub.cli("group", "create", "garden", "--title", "Garden club")
        for instance, person in ((hub, "bob"), (town, "alice"), (town, "dave")):
            instance.cli("user", "create", person, "--password-stdin", stdin=PASSWORD + "\n")
        yield hub, town


def join(client: Mastodon, handle: str, *instances: Instance) -> Any:
    group = client.search_v2(handle, resolve=True).accounts[0]
    client.account_follow(group.id)
    eventually(lambda: client.account_relationships(group.id)[0].following, "joined", *instances)
    return group


def received(instance: Instance, activity_type: str, object_uri: str) -> dict[str, Any] | None:
    """The activity of that type about ``object_uri`` that ``instance``'s inbox took in."""
    body = asyncio.run(
        instance.fetchval(
            "SELECT body FROM inbox_items WHERE activity_type = $1 AND body LIKE $2"
            " ORDER BY id DESC LIMIT 1",
            activity_type,
            f'%"id":"{object_uri}"%',
        )
    )
    return None if body is None else orjson.loads(body)


def test_a_picture_an_edit_and_a_poll_travel_between_two_servers(
    servers: tuple[Instance, Instance],
) -> None:
    hub, town = servers
    both = (hub, town)
    alice = sign_in_with_pkce(town, "alice")
    dave = sign_in_with_pkce(town, "dave")
    bob = sign_in_with_log_in(hub, "bob")
    join(alice, f"@garden@{hub.domain}", *both)
    join(bob, f"@garden@{hub.domain}", *both)

    # alice uploads a picture with alt text and posts it into the community elsewhere
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg", description=ALT)
    assert media.description == ALT
    assert media.url.startswith(f"{town.base_url}/media/")
    mine = alice.status_post(f"@garden@{hub.domain} Our roses are out!", media_ids=[media])
    assert [m.id for m in mine.media_attachments] == [media.id]

    # hub receives the attachment as a Document with what apps need
    create = eventually(lambda: received(hub, "Create", mine.uri), "the Create at hub", *both)
    document = create["object"]["attachment"][0]
    assert document["type"] in ("Document", "Image")
    assert document["mediaType"] == "image/jpeg"
    assert document["url"] == media.url
    assert document["name"] == ALT
    assert document["blurhash"] == media.blurhash
    assert (document["width"], document["height"]) == (480, 640)

    # bob sees it in garden's share, linked where it lives; the picture loads from town
    shared = eventually(lambda: announce_of(bob, mine.uri), "the share at hub", *both).reblog
    seen = shared.media_attachments[0]
    assert (seen.type, seen.description, seen.blurhash) == ("image", ALT, media.blurhash)
    assert seen.url == seen.remote_url == media.url
    assert seen.meta.original.width == 480
    picture = requests.get(seen.url, timeout=10)
    assert picture.headers["Content-Type"] == "image/jpeg"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"

    # alice edits it: the edit arrives, with its history
    edited = alice.status_update(mine.id, f"@garden@{hub.domain} Our roses are out! (and tulips)")
    assert edited.edited_at is not None
    assert "tulips" in alice.status_source(mine.id).text
    assert len(alice.status_history(mine.id)) == 2
    eventually(lambda: "tulips" in bob.status(shared.id).content, "the edit at hub", *both)
    at_hub = bob.status(shared.id)
    assert at_hub.edited_at is not None
    assert at_hub.media_attachments[0].description == ALT
    assert [len(v.media_attachments) for v in bob.status_history(shared.id)] == [1, 1]

    # a poll in garden: bob votes from hub, dave at town; both sides count both votes
    poll = alice.make_poll(["Roses", "Tulips", "Daisies"], expires_in=3600)
    asked = alice.status_post(f"@garden@{hub.domain} Which do you like best?", poll=poll)
    theirs = eventually(lambda: announce_of(bob, asked.uri), "the poll at hub", *both).reblog
    assert [o.title for o in theirs.poll.options] == ["Roses", "Tulips", "Daisies"]
    voted = bob.poll_vote(theirs.poll.id, [1])
    assert voted.voted
    assert voted.own_votes == [1]
    eventually(lambda: alice.poll(asked.poll.id).votes_count == 1, "bob's vote at town", *both)
    dave.poll_vote(asked.poll.id, [0])
    counts = [1, 1, 0]
    assert [o.votes_count for o in alice.poll(asked.poll.id).options] == counts
    eventually(
        lambda: [o.votes_count for o in bob.poll(theirs.poll.id).options] == counts,
        "the new counts at hub",
        *both,
    )
    assert bob.poll(theirs.poll.id).voters_count == 2
    update = received(hub, "Update", asked.uri)
    assert update is not None
    assert update["object"]["type"] == "Question"
    assert update["object"]["votersCount"] == 2
