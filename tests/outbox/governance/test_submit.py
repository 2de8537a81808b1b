"""Submitting acts and voting: the two-person rule, the admin's acts, the log."""

from types import SimpleNamespace

import asyncpg
import orjson
import pytest

from community.governance import add_moderator, moderators_of, set_quorum
from community.membership import is_moderator
from outbox.errors import ActRefused
from outbox.governance import Act, Applied, Declined, Proposed, Sent, submit, vote
from tests.inbox.support import remote_actor


def add(team: SimpleNamespace, by, person, **kwargs) -> Act:
    return Act(team.group, "add_moderator", by, {"person": person.uri}, **kwargs)


def remove(team: SimpleNamespace, by, person, **kwargs) -> Act:
    return Act(team.group, "remove_moderator", by, {"person": person.uri}, **kwargs)


async def log(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    rows = await conn.fetch(
        "SELECT m.kind, a.username, m.activity ->> 'type' AS type FROM modlog m"
        " JOIN actors a ON a.id = m.actor_id ORDER BY m.id"
    )
    return [(r["kind"], r["username"], r["type"]) for r in rows]


async def test_a_single_moderator_acts_at_once(conn, team) -> None:
    result = await submit(conn, team.urls, add(team, team.ada, team.bob, reason="helps a lot"))
    assert isinstance(result, Applied)
    assert await is_moderator(conn, team.group, team.bob)
    item = await conn.fetchval("SELECT activity FROM modlog")
    assert item["type"] == "Add"
    assert item["actor"] == team.ada.uri
    assert item["object"] == team.bob.uri
    assert item["target"] == team.group.moderators_uri
    assert item["summary"] == "helps a lot"
    assert "@context" not in item


async def test_with_two_moderators_a_second_one_must_approve(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    proposed = await submit(conn, team.urls, add(team, team.ada, team.cy))
    assert isinstance(proposed, Proposed)
    assert (proposed.approvals, proposed.needed) == (1, 2)
    assert not await is_moderator(conn, team.group, team.cy), "a proposal changes nothing"
    applied = await vote(conn, team.urls, team.group, proposed.proposal.id, team.bob, approve=True)
    assert isinstance(applied, Applied)
    assert await is_moderator(conn, team.group, team.cy)
    assert await log(conn) == [
        ("propose", "ada", "Offer"),
        ("approve", "bob", "Accept"),
        ("add_moderator", "ada", "Add"),
    ]
    act = await conn.fetchval("SELECT activity FROM modlog WHERE kind = 'add_moderator'")
    assert act["proposal"] == proposed.proposal.uri
    offer = await conn.fetchval("SELECT activity FROM modlog WHERE kind = 'propose'")
    assert offer["object"]["type"] == "Add"
    assert offer["object"]["object"] == team.cy.uri
    assert offer["id"] == proposed.proposal.uri
    assert "endTime" in offer


async def test_the_same_act_from_a_second_moderator_is_their_approval(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    await submit(conn, team.urls, add(team, team.ada, team.cy))
    assert isinstance(await submit(conn, team.urls, add(team, team.bob, team.cy)), Applied)
    assert await is_moderator(conn, team.group, team.cy)
    assert await conn.fetchval("SELECT count(*) FROM governance_proposals") == 1


async def test_one_moderator_cannot_remove_the_other(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    proposed = await submit(conn, team.urls, remove(team, team.ada, team.bob))
    assert isinstance(proposed, Proposed)
    declined = await vote(
        conn, team.urls, team.group, proposed.proposal.id, team.bob, approve=False
    )
    assert isinstance(declined, Declined)
    assert await is_moderator(conn, team.group, team.bob)
    with pytest.raises(ActRefused, match="declined"):
        await vote(conn, team.urls, team.group, proposed.proposal.id, team.ada, approve=True)


async def test_a_moderator_may_always_step_down(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    assert isinstance(await submit(conn, team.urls, remove(team, team.bob, team.bob)), Applied)
    assert [m.username for m in await moderators_of(conn, team.group)] == ["ada"]


async def test_a_unanimous_group_needs_everyone(conn, team) -> None:
    for person in (team.bob, team.cy):
        await add_moderator(conn, team.group, person)
    await set_quorum(conn, team.group, "unanimous")
    proposed = await submit(conn, team.urls, add(team, team.ada, team.rem))
    assert isinstance(proposed, Proposed)
    assert proposed.needed == 3
    pid = proposed.proposal.id
    assert isinstance(
        await vote(conn, team.urls, team.group, pid, team.bob, approve=True), Proposed
    )
    assert isinstance(await vote(conn, team.urls, team.group, pid, team.cy, approve=True), Applied)
    assert await is_moderator(conn, team.group, team.rem)


async def test_non_moderators_are_refused_and_nothing_is_logged(conn, team) -> None:
    with pytest.raises(ActRefused) as refused:
        await submit(conn, team.urls, add(team, team.bob, team.cy))
    assert refused.value.reason == "not_moderator"
    proposed = await submit(conn, team.urls, add(team, team.ada, team.rem))
    assert isinstance(proposed, Applied)  # one moderator: at once
    await add_moderator(conn, team.group, team.bob)
    proposed = await submit(conn, team.urls, remove(team, team.ada, team.rem))
    assert isinstance(proposed, Proposed)
    with pytest.raises(ActRefused, match="not a moderator"):
        await vote(conn, team.urls, team.group, proposed.proposal.id, team.cy, approve=True)
    assert [kind for kind, _, _ in await log(conn)] == ["add_moderator", "propose"]


async def test_an_admin_acts_at_once_as_the_instance_actor(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    act = remove(team, team.instance, team.ada, by_admin=True, reason="court order 12/3")
    assert isinstance(await submit(conn, team.urls, act), Applied)
    assert not await is_moderator(conn, team.group, team.ada)
    row = await conn.fetchrow("SELECT by_admin, reason, activity FROM modlog")
    assert row["by_admin"] is True
    assert row["activity"]["actor"] == team.instance.uri
    assert row["activity"]["summary"] == "court order 12/3"
    with pytest.raises(ActRefused, match="instance actor"):
        await submit(conn, team.urls, remove(team, team.bob, team.bob, by_admin=True))


async def test_an_expired_proposal_takes_no_more_votes(conn, team) -> None:
    await add_moderator(conn, team.group, team.bob)
    proposed = await submit(conn, team.urls, add(team, team.ada, team.cy))
    await conn.execute("UPDATE governance_proposals SET expires_at = now() - interval '1 s'")
    with pytest.raises(ActRefused, match="expired"):
        await vote(conn, team.urls, team.group, proposed.proposal.id, team.bob, approve=True)
    assert not await is_moderator(conn, team.group, team.cy)


async def test_the_group_tells_the_new_moderator_and_its_followers(conn, team) -> None:
    lemmy = await remote_actor(conn, "https://lemmy.example/u/lee", software="lemmy")
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        lemmy.actor.id,
        team.group.id,
    )
    await submit(conn, team.urls, add(team, team.ada, team.rem))
    sent = {
        (r["type"], r["actor"], r["host"])
        for r in await conn.fetch(
            "SELECT a.type, a.body::jsonb ->> 'actor' AS actor, d.host FROM deliveries d"
            " JOIN activities a ON a.id = d.activity_id"
        )
    }
    assert sent == {
        ("Add", team.group.uri, "town.example"),  # the group's own Add, to the new moderator
        ("Announce", team.group.uri, "lemmy.example"),  # Announce{ada's Add}, FEP-1b12
    }
    wrapped = await conn.fetchval("SELECT body FROM activities WHERE type = 'Announce'")
    assert orjson.loads(wrapped)["object"]["actor"] == team.ada.uri


async def test_an_act_on_another_servers_group_is_sent_there(conn, team) -> None:
    far = (await remote_actor(conn, "https://far.example/c/far", "Group")).actor
    result = await submit(
        conn, team.urls, Act(far, "add_moderator", team.ada, {"person": team.bob.uri})
    )
    assert isinstance(result, Sent)
    host = await conn.fetchval("SELECT host FROM deliveries")
    assert host == "far.example"
    assert await conn.fetchval("SELECT count(*) FROM modlog") == 0


async def test_the_log_refuses_to_be_edited_or_deleted(conn, team) -> None:
    await submit(conn, team.urls, add(team, team.ada, team.bob))
    for statement in (
        "UPDATE modlog SET reason = 'nothing happened'",
        "DELETE FROM modlog",
        "TRUNCATE modlog CASCADE",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement)
    assert await conn.fetchval("SELECT count(*) FROM modlog") == 1
