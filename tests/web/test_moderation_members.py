"""Issues 13 and 15 on the moderators' pages, in-process: a community's visibility on its
settings page (an act; a proposal with two moderators) and on the new community form; the
requests to join a closed community (approve, reject); the servers its members are on, and
whether each receives its private posts. Only its moderators reach them, and every form
carries its CSRF token."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx

from community.actors import find_local_actor
from community.audience import group_visibility
from community.context import AppContext
from community.governance import add_moderator
from community.membership import find_follow, is_member, record_follow
from tests.api.support import csrf_of
from tests.inbox.support import remote_actor
from tests.web.conftest import post_form, step

SETTINGS = {
    "title": "Garden club",
    "summary": "We grow.",
    "posting": "members",
    "premoderation": "off",
    "quorum": "majority",
}


async def garden(conn: asyncpg.Connection) -> str:
    found = await find_local_actor(conn, "garden")
    assert found is not None
    return group_visibility(found)


async def test_visibility_on_the_settings_page_is_an_act_then_a_proposal(
    client: httpx.AsyncClient, town: SimpleNamespace, browse, conn: asyncpg.Connection
) -> None:
    async with browse("alice") as alice:
        page = (await alice.get("/@garden/moderation")).text
        assert "<legend>Who may read it</legend>" in page
        assert (
            'name="visibility" value="public" aria-describedby="visibility-public" checked' in page
        )
        assert "Members only: moderators approve who joins" in page
        made = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **SETTINGS,
            visibility="private",
            closed="on",
        )
        assert made.headers["location"] == "/@garden/moderation?done=settings"
        assert await garden(conn) == "private"
        page = (await alice.get("/@garden/moderation")).text
        assert 'value="private" aria-describedby="visibility-private" checked' in page
        bad = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **SETTINGS,
            visibility="secret",
            closed="on",
        )
        assert bad.status_code == 422
        assert "visibility must be one of" in bad.text.lower()
    async with browse("bob") as bob:  # not a moderator: the form is refused, with its token
        front = await bob.get("/@garden")
        refused = await bob.post(
            "/@garden/moderation",
            data={"csrf": csrf_of(front.text), **SETTINGS, "visibility": "public"},
        )
        assert refused.status_code == 403
        assert "is not a moderator of" in refused.text
    async with browse("alice") as alice:
        forged = await alice.post(
            "/@garden/moderation", data={"csrf": "x", **SETTINGS, "visibility": "public"}
        )
        assert forged.status_code == 403
    assert await garden(conn) == "private"
    await add_moderator(conn, town.garden, town.bob)
    async with browse("alice") as alice:
        proposed = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **SETTINGS,
            visibility="unlisted",
            closed="on",
        )
        assert proposed.headers["location"] == "/@garden/moderation?proposed=settings"
        said = (await alice.get(proposed.headers["location"])).text
        assert "Proposed: it applies once enough of the other moderators approve" in said
        assert await garden(conn) == "private"
        waiting = (await alice.get("/@garden/moderation/proposals")).text
        assert "make the community unlisted" in waiting


async def test_a_new_community_may_be_private(
    client: httpx.AsyncClient, town: SimpleNamespace, browse, conn: asyncpg.Connection
) -> None:
    fields = {"name": "circle", "title": "Circle", "summary": "", "posting_policy": "members"}
    async with browse("alice") as alice:
        form = (await alice.get("/communities/new")).text
        assert 'value="public" aria-describedby="visibility-public" checked' in form
        bad = await post_form(
            alice, "/communities/new", "/communities/new", **fields, visibility="secret"
        )
        assert bad.status_code == 422
        assert "Choose who may read it." in bad.text
        made = await post_form(
            alice, "/communities/new", "/communities/new", **fields, visibility="private"
        )
        assert made.status_code == 303, made.text
    circle = await find_local_actor(conn, "circle")
    assert circle is not None
    assert group_visibility(circle) == "private"
    assert circle.manually_approves_followers  # a private community is closed
    assert not await is_member(conn, circle, town.alice)  # a closed one is not joined at once


async def test_join_requests_are_approved_and_rejected_by_moderators(
    client: httpx.AsyncClient,
    ctx: AppContext,
    town: SimpleNamespace,
    browse,
    conn: asyncpg.Connection,
) -> None:
    async with browse("alice") as alice:
        closed = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **SETTINGS,
            closed="on",
            visibility="public",
        )
        assert closed.headers["location"].endswith("?done=settings")
        assert (
            "No one is waiting to join." in (await alice.get("/@garden/moderation/requests")).text
        )
    remote = (await remote_actor(conn, "https://elsewhere.example/users/rita")).actor
    await record_follow(
        conn, remote, town.garden, "https://elsewhere.example/follows/1", accepted=False
    )
    async with browse("bob") as bob:
        await post_form(bob, "/@garden", "/@garden/join")
        await step(ctx)
        assert (await bob.get("/@garden/moderation/requests")).status_code == 403
        forged = await bob.post(
            f"/@garden/moderation/requests/{town.bob.id}", data={"decision": "approve"}
        )
        assert forged.status_code == 403
    assert not await is_member(conn, town.garden, town.bob)
    async with browse("alice") as alice:
        settings = (await alice.get("/@garden/moderation")).text
        assert 'href="/@garden/moderation/requests">2 requests to join</a>' in settings
        page = await alice.get("/@garden/moderation/requests")
        assert page.status_code == 200
        assert 'aria-current="page"' in page.text
        assert "@bob" in page.text
        assert "@rita@elsewhere.example" in page.text
        target = f"/@garden/moderation/requests/{town.bob.id}"
        no_csrf = await alice.post(target, data={"csrf": "x", "decision": "approve"})
        assert no_csrf.status_code == 403
        approved = await post_form(
            alice, "/@garden/moderation/requests", target, decision="approve"
        )
        assert approved.headers["location"] == "/@garden/moderation/requests?done=approve_member"
        said = (await alice.get(approved.headers["location"])).text
        assert "Approved: they are a member now" in said
        assert await is_member(conn, town.garden, town.bob)
        rejected = await post_form(
            alice,
            "/@garden/moderation/requests",
            f"/@garden/moderation/requests/{remote.id}",
            decision="reject",
        )
        assert rejected.headers["location"].endswith("?done=reject_member")
        assert await find_follow(conn, remote.id, town.garden.id) is None
        again = await post_form(alice, "/@garden/moderation/requests", target, decision="reject")
        assert again.status_code == 400
        assert "has no pending request to join" in again.text
        odd = await post_form(alice, "/@garden/moderation/requests", target, decision="maybe")
        assert odd.status_code == 400
        nobody = await post_form(
            alice,
            "/@garden/moderation/requests",
            "/@garden/moderation/requests/999999",
            decision="approve",
        )
        assert nobody.status_code == 404
        assert (await alice.get("/@nobody/moderation/requests")).status_code == 404
        assert (
            "No one is waiting to join." in (await alice.get("/@garden/moderation/requests")).text
        )


async def test_member_servers_and_whether_they_receive_private_posts(
    client: httpx.AsyncClient, town: SimpleNamespace, browse, conn: asyncpg.Connection
) -> None:
    async with browse("alice") as alice:
        empty = (await alice.get("/@garden/moderation/servers")).text
        assert "No members on other servers yet." in empty
        assert "This community is not private" in empty
        await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **SETTINGS,
            closed="on",
            visibility="private",
        )
    lemmy = (await remote_actor(conn, "https://lemmy.example/users/rita", software="lemmy")).actor
    await conn.execute(
        "UPDATE instances SET software_version = '1.0.2' WHERE domain = 'lemmy.example'"
    )
    toot = (await remote_actor(conn, "https://toot.example/users/felix", software="mastodon")).actor
    for person in (lemmy, toot):
        await record_follow(conn, person, town.garden, None, accepted=True)
    async with browse("bob") as bob:
        refused = await bob.get("/@garden/moderation/servers")
        assert refused.status_code == 403
        assert "is not a moderator of" in refused.text
    async with browse("alice") as alice:
        page = (await alice.get("/@garden/moderation/servers")).text
        assert "This community is private" in page
        lemmy_row = page.split("lemmy.example")[1].split("</tr>")[0]
        assert "lemmy 1.0.2" in lemmy_row
        assert "Receives them: its software keeps a private community" in lemmy_row
        toot_row = page.split("toot.example")[1].split("</tr>")[0]
        assert "Receives nothing private: a microblog cannot receive" in toot_row
        settings = (await alice.get("/@garden/moderation")).text
        assert 'href="/@garden/moderation/servers"' in settings
