"""Every activity Lemmy publishes as an example is received and handled without a crash.

A Lemmy community elsewhere (followed by one of our people) and two Lemmy users send each of
Lemmy's example activities. Each must end processed, or ignored with a reason, or wait for a
retry (its object must come from an origin that does not exist here, or has not arrived yet):
never ``failed``, which would mean a bug.
"""

import asyncpg
import pytest

from community.accounts import create_user
from community.urls import Urls
from tests.inbox.conftest import BASE, step
from tests.inbox.support import FIXTURES, fixture, post_signed, remote_actor

HOSTS = {
    "http://enterprise.lemmy.ml": "https://enterprise.lemmy.example",
    "https://enterprise.lemmy.ml": "https://enterprise.lemmy.example",
    "http://ds9.lemmy.ml": "https://ds9.lemmy.example",
    "https://ds9.lemmy.ml": "https://ds9.lemmy.example",
}
ACTIVITIES = sorted(
    p.name
    for p in (FIXTURES / "lemmy").glob("*.json")
    if '"actor"' in p.read_text() and p.name != "accept.json"
)


@pytest.fixture
async def lemmy(client, conn: asyncpg.Connection):
    person = await create_user(conn, Urls(BASE), "reader")
    community = await remote_actor(
        conn, "https://enterprise.lemmy.example/c/main", "Group", software="lemmy"
    )
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        person.id,
        community.actor.id,
    )
    return {
        community.uri: community,
        "https://ds9.lemmy.example/u/lemmy_alpha": await remote_actor(
            conn, "https://ds9.lemmy.example/u/lemmy_alpha", software="lemmy"
        ),
        "https://enterprise.lemmy.example/u/lemmy_beta": await remote_actor(
            conn, "https://enterprise.lemmy.example/u/lemmy_beta", software="lemmy"
        ),
    }


@pytest.mark.parametrize("name", ACTIVITIES)
async def test_lemmy_examples_are_handled_without_a_crash(client, ctx, lemmy, conn, name) -> None:
    activity = fixture(f"lemmy/{name}", HOSTS)
    signer = lemmy[activity["actor"]]
    response = await post_signed(client, "/inbox", activity, signer)
    assert response.status_code == 202, response.text
    await step(ctx)
    item = await conn.fetchrow("SELECT state, error FROM inbox_items")
    assert item["state"] in ("processed", "ignored", "received"), item["error"]
    if item["state"] == "received":  # waiting for a retry, for a reason that may pass
        assert "cannot fetch" in item["error"] or "(yet)" in item["error"]
