"""``set_visibility`` (issue 15): a community's visibility is a governance act (the two-person
rule), one log row and one AS2 activity; the posts already in it follow."""

from types import SimpleNamespace

import asyncpg
import pytest

from community.actors import find_actor_by_id
from community.audience import group_visibility, members_only
from community.governance import add_moderator
from community.posts import admit_to_group, find_post
from community.render import render_actor
from inbox.handlers.update import acts_of
from outbox.errors import ActRefused
from outbox.governance import Act, Applied, Proposed, submit, vote
from tests.inbox.support import remote_actor

LEMMY = "https://lemmy.example"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def visibility(team: SimpleNamespace, value: str, by=None) -> Act:
    return Act(team.group, "set_visibility", by or team.ada, {"visibility": value}, "members ask")


async def a_post(conn: asyncpg.Connection, team: SimpleNamespace) -> str:
    lee = (await remote_actor(conn, f"{LEMMY}/u/lee", software="lemmy")).actor
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        lee.id,
        team.group.id,
    )
    note = {
        "id": f"{LEMMY}/post/1",
        "type": "Page",
        "attributedTo": lee.uri,
        "name": "Hello",
        "content": "<p>hi</p>",
        "to": [PUBLIC],
        "cc": [team.group.uri],
    }
    return (await admit_to_group(conn, note, lee, team.group)).uri


async def test_a_community_made_private_keeps_its_posts_to_its_members(conn, team) -> None:
    post_uri = await a_post(conn, team)
    assert (await find_post(conn, post_uri)).visibility == "public"
    result = await submit(conn, team.urls, visibility(team, "private"))
    assert isinstance(result, Applied)
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    assert group_visibility(group) == "private"
    assert members_only(group)
    assert group.manually_approves_followers, "a private community is closed"
    assert (await find_post(conn, post_uri)).visibility == "members"
    logged = await conn.fetchrow("SELECT kind, activity FROM modlog ORDER BY id DESC LIMIT 1")
    assert logged["kind"] == "set_visibility"
    assert logged["activity"]["type"] == "Update"
    assert logged["activity"]["object"]["visibility"] == "private"
    assert logged["activity"]["object"]["manuallyApprovesFollowers"] is True
    document = render_actor(group, "PEM")
    assert document["manuallyApprovesFollowers"] is True
    assert document["discoverable"] is True, "as Lemmy: its profile stays public"


async def test_an_unlisted_community(conn, team) -> None:
    post_uri = await a_post(conn, team)
    await submit(conn, team.urls, visibility(team, "unlisted"))
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    assert group_visibility(group) == "unlisted"
    assert not group.manually_approves_followers
    assert (await find_post(conn, post_uri)).visibility == "unlisted"
    assert render_actor(group, "PEM")["discoverable"] is False


async def test_back_from_private_what_was_for_members_stays_so(conn, team) -> None:
    post_uri = await a_post(conn, team)
    await submit(conn, team.urls, visibility(team, "private"))
    await submit(conn, team.urls, visibility(team, "public"))
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    assert group_visibility(group) == "public"
    assert (await find_post(conn, post_uri)).visibility == "members"


async def test_it_needs_a_second_moderator(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    proposed = await submit(conn, team.urls, visibility(team, "public"))
    assert isinstance(proposed, Proposed)
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    assert group_visibility(group) == "public"
    proposed = await submit(conn, team.urls, visibility(team, "private"))
    assert isinstance(proposed, Proposed)
    applied = await vote(conn, team.urls, team.group, proposed.proposal.id, team.bob, approve=True)
    assert isinstance(applied, Applied)
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    assert group_visibility(group) == "private"


async def test_bad_acts_are_refused(conn, team) -> None:
    with pytest.raises(ActRefused, match="visibility must be one of"):
        await submit(conn, team.urls, visibility(team, "secret"))
    await submit(conn, team.urls, visibility(team, "private"))
    group = await find_actor_by_id(conn, team.group.id)
    assert group is not None
    opening = Act(group, "set_closed", team.ada, {"closed": False})
    with pytest.raises(ActRefused, match="a private community is closed"):
        await submit(conn, team.urls, opening)


async def test_a_remote_moderators_update_names_the_act(conn, team) -> None:
    """A moderator on another server of ours sends the ``Update`` our act builds; it is read
    back as ``set_visibility`` (and no ``set_closed`` besides: going private closes)."""
    group = team.group
    assert acts_of(group, {"visibility": "private", "manuallyApprovesFollowers": True}) == [
        ("set_visibility", {"visibility": "private"})
    ]
    assert acts_of(group, {"visibility": "public", "manuallyApprovesFollowers": False}) == []
    assert acts_of(group, {"visibility": "unlisted"}) == [
        ("set_visibility", {"visibility": "unlisted"})
    ]
    assert acts_of(group, {"visibility": "secret"}) == []
