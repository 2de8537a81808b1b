"""Private communities across servers (issue 15's "Must show"), real processes over real HTTP.

``hub`` hosts the private community ``circle`` and its member ``alice``; ``town`` (our
software) hosts ``bea``, a member; ``far`` (our software) hosts ``cy``, who asked to join and
was never approved. A private post reaches town and not far; far cannot fetch it (unsigned,
or signed by its server), nor find it in the community's collections, feeds, search or
timelines; once bea leaves, town receives no new private post.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from federation.cavage import sign_headers
from federation.keys import load_private_key
from tests.e2e.support import Instance, eventually, start_instance

pytestmark = pytest.mark.slow
AS2 = {"Accept": "application/activity+json"}
PUBLIC_FORMS = ("https://www.w3.org/ns/activitystreams#Public", "as:Public")


@pytest.fixture
def trio(make_database: Callable[[], str], tmp_path: Path) -> Iterator[dict[str, Instance]]:
    started: dict[str, Instance] = {}
    try:
        for name in ("hub", "town", "far"):
            started[name] = start_instance(make_database(), tmp_path / name)
        yield started
    finally:
        for instance in started.values():
            instance.server.stop()


async def follow_state(instance: Instance, person: str, group_uri: str) -> str | None:
    return await instance.fetchval(
        "SELECT f.state FROM follows f JOIN actors p ON p.id = f.follower_id"
        " JOIN actors g ON g.id = f.followee_id WHERE p.username = $1 AND g.uri = $2",
        person,
        group_uri,
    )


async def has_post(instance: Instance, text: str) -> bool:
    found = await instance.fetchval(
        "SELECT count(*) FROM posts WHERE content_html LIKE '%' || $1 || '%'", text
    )
    return bool(found)


async def signed_by_server(instance: Instance, url: str) -> dict[str, str]:
    """Headers of a GET of ``url`` signed by ``instance``'s server actor (FEP-2677)."""
    row = await instance.fetchval(
        "SELECT k.key_id || ' ' || k.private_key_pem FROM actor_keys k"
        " JOIN actors a ON a.id = k.actor_id WHERE a.local AND a.type = 'Application'"
    )
    key_id, pem = row.split(" ", 1)
    headers = dict(AS2)
    now = datetime.now(UTC)
    headers.update(sign_headers("GET", url, headers, None, key_id, load_private_key(pem), now))
    return headers


def _is(value: Any, expected: Any) -> Callable[[], Any]:
    async def check() -> bool:
        return (await value()) == expected

    return check


async def set_up(trio: dict[str, Instance]) -> str:
    hub, town, far = trio["hub"], trio["town"], trio["far"]
    hub.cli("user", "create", "alice")
    hub.cli("group", "create", "circle", "--visibility", "private", "--moderator", "alice")
    town.cli("user", "create", "bea")
    far.cli("user", "create", "cy")
    circle = f"{hub.base_url}/groups/circle"
    handle = f"@circle@{hub.domain}"
    hub.cli("member", "follow", "alice", handle)
    town.cli("member", "follow", "bea", handle)
    far.cli("member", "follow", "cy", handle)
    pending = "SELECT count(*) FROM follows WHERE state = 'pending'"
    await eventually(lambda: hub.fetchval(pending), "requests to join", instances=(hub,))
    await eventually(
        _is(lambda: hub.fetchval(pending), 3), "the three requests", instances=(hub, town, far)
    )
    hub.cli("group", "approve", "circle", f"@alice@{hub.domain}")
    hub.cli("group", "approve", "circle", f"@bea@{town.domain}")
    await eventually(
        _is(lambda: follow_state(town, "bea", circle), "accepted"),
        "bea's approval",
        instances=(hub, town),
    )
    servers = hub.cli("group", "servers", "circle")
    assert town.domain in servers
    assert far.domain not in servers, "cy's request is pending: not a member"
    return circle


async def test_a_private_communitys_posts_reach_its_members_servers_only(
    trio: dict[str, Instance],
) -> None:
    hub, town, far = trio["hub"], trio["town"], trio["far"]
    everyone = (hub, town, far)
    circle = await set_up(trio)
    post_uri = hub.cli("member", "post", "alice", "just between us #quiet", "--group", "circle")
    await eventually(lambda: has_post(town, "just between us"), "town's copy", instances=everyone)
    received = await town.fetchval(
        "SELECT raw::text FROM posts WHERE content_html LIKE '%just between us%'"
    )
    assert not any(form in received for form in PUBLIC_FORMS)
    assert (
        await town.fetchval(
            "SELECT visibility FROM posts WHERE content_html LIKE '%just between us%'"
        )
        == "members"
    )
    await assert_kept_from(far, hub, circle, post_uri, "just between us")
    signed = await signed_by_server(town, post_uri)
    fetched = httpx.get(post_uri, headers=signed, timeout=10)
    assert fetched.status_code == 200, "a member's server fetches it, signed"

    town.cli("member", "unfollow", "bea", f"@circle@{hub.domain}")
    await eventually(
        _is(lambda: follow_state(hub, "bea", circle), None), "bea's leaving", instances=everyone
    )
    hub.cli("member", "post", "alice", "after bea left", "--group", "circle")
    await eventually(lambda: has_post(hub, "after bea left"), "hub's copy", instances=(hub,))
    announced = (
        "SELECT count(*) FROM activities a JOIN posts p ON a.object_uri = p.uri"
        " WHERE a.type = 'Announce' AND p.content_html LIKE '%after bea left%'"
    )
    await eventually(lambda: hub.fetchval(announced), "the group's announce", instances=(hub,))
    to_town = await hub.fetchval(
        "SELECT count(*) FROM deliveries WHERE host = $1 AND activity_id IN"
        " (SELECT id FROM activities WHERE published > now() - interval '1 minute'"
        "  AND type = 'Announce')",
        town.domain,
    )
    assert to_town == 1, "only the first post's announce went to town"
    assert not await has_post(town, "after bea left")


async def assert_kept_from(
    far: Instance, hub: Instance, circle: str, post_uri: str, text: str
) -> None:
    """far (and anyone unsigned) gets nothing of it, however they ask."""
    assert not await has_post(far, text)
    assert not await far.fetchval(
        "SELECT count(*) FROM inbox_items WHERE body LIKE '%' || $1 || '%'", text
    )
    with httpx.Client(timeout=10) as http:
        assert http.get(post_uri, headers=AS2).status_code == 404
        signed = await signed_by_server(far, post_uri)
        assert http.get(post_uri, headers=signed).status_code == 404
        for collection in ("outbox", "featured", "modlog"):
            url = f"{circle}/{collection}"
            unsigned = http.get(url, headers=AS2).json()
            assert text not in str(unsigned)
            assert text not in http.get(url, headers=await signed_by_server(far, url)).text
        base = hub.base_url
        for path in (
            "/api/v1/timelines/public",
            "/api/v1/timelines/public?local=true",
            "/api/v1/timelines/tag/quiet",
            "/api/v2/search?q=between",
            "/@circle",
            "/@circle/feed.atom",
            "/groups/circle",
            "/",
            "/nodeinfo/2.1",
        ):
            answer = http.get(base + path, headers={"Accept": "text/html"})
            assert text not in answer.text, path
        nodeinfo = http.get(f"{base}/nodeinfo/2.1").json()
        assert nodeinfo["usage"]["localPosts"] == 0
