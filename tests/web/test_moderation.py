"""The moderators' pages and the public moderation log, in-process: acts on a post from its
page, settings, the team and its proposals, the queue, reports and bans; who may see them;
creating a community by the server's rule."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest

from community.context import AppContext
from community.governance import group_settings, moderators_of, set_premoderation
from community.groups import answer_group_request
from community.moderation import file_report
from fediverse.app import create_app
from outbox import actions
from tests.api.support import PASSWORD, csrf_of
from tests.outbox.support import insert_remote_actor
from tests.web.conftest import BASE, HTML, post_form, step


async def thread_with_a_reply(ctx: AppContext, town: SimpleNamespace) -> tuple[str, str]:
    """alice's thread in garden and bob's reply to it (a member): their pages' paths."""
    async with ctx.pool.acquire() as conn:
        await actions.follow(conn, ctx.urls, town.bob, town.garden)
    await step(ctx)
    async with ctx.pool.acquire() as conn:
        root = await actions.publish(
            conn, ctx.urls, town.alice, "Seeds?", group=town.garden, title="Swap"
        )
    await step(ctx)
    async with ctx.pool.acquire() as conn:
        reply = await actions.publish(
            conn, ctx.urls, town.bob, "buy my pills", in_reply_to=root.uri
        )
    await step(ctx)
    return f"/posts/{root.uri.rsplit('/', 1)[1]}", f"/posts/{reply.uri.rsplit('/', 1)[1]}"


async def test_a_moderator_removes_restores_locks_and_pins_from_the_thread_page(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse
) -> None:
    thread, comment = await thread_with_a_reply(ctx, town)
    async with browse("bob") as bob:
        assert f'href="{comment}/moderate"' not in (await bob.get(thread)).text
        assert (await bob.get(comment + "/moderate")).status_code == 403
    async with browse("alice") as alice:
        page = (await alice.get(thread)).text
        assert f'href="{comment}/moderate"' in page
        assert f'href="{thread}/moderate"' in page
        done = await post_form(
            alice, comment + "/moderate", comment + "/moderate", act="remove", reason="spam"
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == comment + "/moderate?done=remove_post"
        said = await alice.get(done.headers["location"])
        assert "Removed. It shows on the moderation log." in said.text
        assert "Restore" in said.text
        await step(ctx)
        for act in ("lock", "pin"):
            made = await post_form(alice, thread + "/moderate", thread + "/moderate", act=act)
            assert made.status_code == 303, made.text
        page = (await alice.get(thread)).text
        assert "This thread is locked: it takes no more comments (but from its moderators)" in page
        assert 'action="' + thread + '/reply"' in page  # moderators still may
        assert "Pinned" in page
        refused = await post_form(alice, thread + "/moderate", thread + "/moderate", act="explode")
        assert refused.status_code == 400
    async with browse("bob") as bob:
        page = (await bob.get(thread)).text
        assert "This thread is locked: it takes no more comments." in page
        assert 'action="' + thread + '/reply"' not in page
        assert f'href="{thread}/reply"' not in page
        refused = await post_form(
            bob, thread + "/reply", thread + "/reply", body="hey", action="post"
        )
        assert refused.status_code == 403
        assert "The thread is locked" in refused.text
    async with browse() as anyone:
        page = (await anyone.get(thread)).text
        assert "Removed by a moderator." in page
        assert "buy my pills" not in page
        log = (await anyone.get("/@garden/modlog")).text
        assert "removed" in log
        assert "Reason: spam" in log
        assert "buy my pills" not in log
        assert log.index("pinned") < log.index("locked") < log.index("removed")  # newest first
        bans_only = (await anyone.get("/@garden/modlog", params={"kind": "bans"})).text
        assert "Nothing yet." in bans_only
        assert "Reason: spam" in (await anyone.get("/@garden/modlog?kind=remove_post")).text
        assert (await anyone.get("/@garden/modlog?kind=nonsense")).status_code == 400
        assert (await anyone.get("/@garden/modlog?before=x")).status_code == 400
        assert (await anyone.get("/@nobody/modlog")).status_code == 404
    async with browse("alice") as alice:
        back = await post_form(alice, comment + "/moderate", comment + "/moderate", act="restore")
        assert back.headers["location"].endswith("?done=restore_post")
        assert "buy my pills" in (await alice.get(thread)).text


async def test_moderators_pages_are_for_moderators(
    client: httpx.AsyncClient, town: SimpleNamespace, browse, conn
) -> None:
    pages = ["", "/team", "/requests", "/servers", "/proposals", "/queue", "/reports", "/bans"]
    async with browse() as anyone:
        first = await anyone.get("/@garden/moderation")
        assert first.status_code == 303
        assert first.headers["location"].startswith("/auth/sign_in")
    async with browse("bob") as bob:
        for page in pages:
            refused = await bob.get("/@garden/moderation" + page)
            assert refused.status_code == 403, page
            assert "is not a moderator of" in refused.text
        assert "Moderate this community" not in (await bob.get("/@garden")).text
        assert (await bob.get("/@nobody/moderation")).status_code == 404
    async with browse("alice") as alice:
        assert "Moderate this community" in (await alice.get("/@garden")).text
        for page in pages:
            shown = await alice.get("/@garden/moderation" + page)
            assert shown.status_code == 200, page
            assert 'aria-current="page"' in shown.text
        forged = await alice.post("/@garden/moderation/bans", data={"csrf": "x", "handle": "@bob"})
        assert forged.status_code == 403
    await conn.execute("UPDATE users SET is_admin = true WHERE actor_id = $1", town.bob.id)
    async with browse("bob") as admin:  # an administrator of this server, marked as such
        assert "Moderate this community" in (await admin.get("/@garden")).text
        shown = await admin.get("/@garden/moderation/bans")
        assert "as an administrator of this server" in shown.text


async def test_settings_the_team_and_a_proposal(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    form = {
        "title": "Garden club",
        "summary": "We grow. Be kind.",
        "posting": "moderators",
        "premoderation": "all",
        "quorum": "majority",
    }
    async with browse("alice") as alice:
        saved = await post_form(alice, "/@garden/moderation", "/@garden/moderation", **form)
        assert saved.headers["location"] == "/@garden/moderation?done=settings"
        assert (await group_settings(conn, town.garden)).premoderation == "all"
        unchanged = await post_form(alice, "/@garden/moderation", "/@garden/moderation", **form)
        assert unchanged.status_code == 422
        assert "Nothing changed." in unchanged.text
        bad = await post_form(
            alice, "/@garden/moderation", "/@garden/moderation", **{**form, "quorum": "all"}
        )
        assert bad.status_code == 422
        added = await post_form(
            alice, "/@garden/moderation/team", "/@garden/moderation/team/add", handle="@bob"
        )
        assert added.headers["location"].endswith("?done=add_moderator")
        unknown = await post_form(
            alice, "/@garden/moderation/team", "/@garden/moderation/team/add", handle="@nobody"
        )
        assert unknown.status_code == 400
        proposed = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            **{**form, "quorum": "unanimous"},
            reason="both of us",
        )
        assert proposed.headers["location"].endswith("?proposed=settings")
    async with browse("bob") as bob:
        waiting = (await bob.get("/@garden/moderation/proposals")).text
        assert "set the consent acts need to every moderator" in waiting
        assert "Reason: both of us" in waiting
        proposal_id = await conn.fetchval("SELECT id FROM governance_proposals")
        voted = await post_form(
            bob,
            "/@garden/moderation/proposals",
            f"/@garden/moderation/proposals/{proposal_id}",
            vote="approve",
        )
        assert voted.headers["location"].endswith("?done=set_quorum")
        assert (await group_settings(conn, town.garden)).quorum == "unanimous"
        down = await post_form(
            bob,
            "/@garden/moderation/team",
            "/@garden/moderation/team/remove",
            person=str(town.bob.id),
        )
        assert down.headers["location"].endswith("?done=remove_moderator")
        assert [m.username for m in await moderators_of(conn, town.garden)] == ["alice"]
    async with browse() as anyone:
        log = (await anyone.get("/@garden/modlog")).text
        for words in (
            "set who may post to moderators only",
            'made <a href="/@bob">@bob</a> a moderator',
            "proposed to set the consent acts need to every moderator",
            "approved the proposal to",
            "set pre-moderation to every post",
        ):
            assert words in log, words
        rules = (await anyone.get("/@garden/modlog?kind=rules")).text
        assert "a moderator" not in rules


async def test_the_rules_apart_from_the_about_text(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    async with browse("alice") as alice:
        page = (await alice.get("/@garden/moderation")).text
        assert '<label for="rules">Rules' in page
        assert '<label for="summary">About' in page
        saved = await post_form(
            alice,
            "/@garden/moderation",
            "/@garden/moderation",
            title=town.garden.name or "garden",
            summary="We grow things.",
            rules="1. Be kind.\n2. **No ads.** <b>raw</b>",
            posting=town.garden.posting_policy,
            premoderation="off",
            quorum="majority",
        )
        assert saved.headers["location"] == "/@garden/moderation?done=settings"
        shown = (await alice.get("/@garden/moderation")).text
        assert "Be kind.\nNo ads. &lt;b&gt;raw&lt;/b&gt;</textarea>" in shown
    rules = await conn.fetchval("SELECT rules FROM actors WHERE id = $1", town.garden.id)
    assert "<li>Be kind.</li>" in rules
    assert "<b>" not in rules
    async with browse() as anyone:
        community = (await anyone.get("/@garden")).text
        assert '<h2 id="rules-heading">Rules</h2>' in community
        assert "<strong>No ads.</strong>" in community
        assert "<p>We grow things.</p>" in community


async def test_the_queue_reports_and_bans(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    await set_premoderation(conn, town.garden, "all")
    async with browse("bob") as bob:
        await post_form(bob, "/@garden", "/@garden/join")
        await step(ctx)
        for title in ("Held one", "Held two"):
            await post_form(
                bob, "/@garden/submit", "/@garden/submit", title=title, body="hi", action="post"
            )
        await step(ctx)
    async with browse("alice") as alice:
        queue = (await alice.get("/@garden/moderation/queue")).text
        assert "Held one" in queue
        assert "Held two" in queue
        held = await conn.fetch("SELECT id FROM held_posts ORDER BY id")
        approved = await post_form(
            alice,
            "/@garden/moderation/queue",
            f"/@garden/moderation/queue/{held[0]['id']}",
            decision="approve",
        )
        assert approved.headers["location"].endswith("?done=approve_post")
        rejected = await post_form(
            alice,
            "/@garden/moderation/queue",
            f"/@garden/moderation/queue/{held[1]['id']}",
            decision="reject",
            reason="off topic",
        )
        assert rejected.headers["location"].endswith("?done=reject_post")
        again = await post_form(
            alice,
            "/@garden/moderation/queue",
            f"/@garden/moderation/queue/{held[1]['id']}",
            decision="approve",
        )
        assert again.status_code == 404
        await step(ctx)
        assert "Held one" in (await alice.get("/@garden")).text
        assert "Held two" not in (await alice.get("/@garden")).text

        report = await file_report(
            conn, "https://social.test/flags/1", town.bob, town.garden, [town.alice.uri], "rude"
        )
        assert report is not None
        reports = (await alice.get("/@garden/moderation/reports")).text
        assert "“rude”" in reports
        assert "@bob@social.test" in reports
        resolved = await post_form(
            alice,
            "/@garden/moderation/reports",
            f"/@garden/moderation/reports/{report.id}/resolve",
        )
        assert resolved.headers["location"].endswith("?done=resolve_report")
        assert "No open reports." in (await alice.get("/@garden/moderation/reports")).text

        until = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
        banned = await post_form(
            alice,
            "/@garden/moderation/bans",
            "/@garden/moderation/bans",
            handle="@bob",
            reason="rude",
            until=until,
        )
        assert banned.headers["location"].endswith("?done=ban")
        bans = (await alice.get("/@garden/moderation/bans")).text
        assert "@bob@social.test" in bans
        assert "Reason: rude" in bans
        past = await post_form(
            alice,
            "/@garden/moderation/bans",
            "/@garden/moderation/bans",
            handle="@bob",
            reason="x",
            until="2001-01-01",
        )
        assert past.status_code == 400
        lifted = await post_form(
            alice, "/@garden/moderation/bans", f"/@garden/moderation/bans/{town.bob.id}/lift"
        )
        assert lifted.headers["location"].endswith("?done=unban")
        assert "No one is banned." in (await alice.get("/@garden/moderation/bans")).text
    async with browse() as anyone:
        log = (await anyone.get("/@garden/modlog")).text
        for words in ("approved", "rejected", "resolved a report", "banned", "lifted the ban"):
            assert words in log, words
        assert "rude" not in log.split("resolved a report")[1].split("</li>")[0]


@pytest.fixture
def server(settings) -> Callable[..., object]:
    """The app with other settings, and a browser on it signed in as ``alice``."""

    @asynccontextmanager
    async def open_server(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update=overrides))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=HTML) as http:
                form = await http.get("/auth/sign_in")
                data = {"csrf": csrf_of(form.text), "username": "alice", "password": PASSWORD}
                assert (await http.post("/auth/sign_in", data=data)).status_code == 303
                yield http

    return open_server


async def test_creating_a_community_follows_the_servers_rule(
    ctx: AppContext, town: SimpleNamespace, server, conn
) -> None:
    fields = {"name": "herbs", "title": "Herbs", "summary": "", "posting_policy": "members"}
    asked_for = fields | {"posting_policy": "moderators", "visibility": "unlisted", "closed": "on"}
    async with server(group_creation="approval") as alice:
        asked = await post_form(alice, "/communities/new", "/communities/new", **asked_for)
        assert asked.status_code == 202
        assert "waits for an administrator" in asked.text
        assert await conn.fetchval("SELECT count(*) FROM actors WHERE username = 'herbs'") == 0
    # the admin's approval founds it as alice chose it
    herbs = await answer_group_request(conn, ctx.urls, "herbs", approve=True)
    assert herbs is not None
    assert (herbs.name, herbs.posting_policy) == ("Herbs", "moderators")
    assert (herbs.community_visibility, herbs.manually_approves_followers) == ("unlisted", True)
    assert [m.username for m in await moderators_of(conn, herbs)] == ["alice"]
    fields["name"] = "spices"
    async with server(group_creation="admins") as alice:
        page = await alice.get("/communities/new")
        assert "only administrators create communities" in page.text
        refused = await post_form(alice, "/communities/new", "/communities/new", **fields)
        assert refused.status_code == 422
        assert "Only administrators create communities" in refused.text


async def test_a_moderator_from_another_server_joins_the_team_by_handle(
    client: httpx.AsyncClient, town: SimpleNamespace, browse, conn
) -> None:
    dana = await insert_remote_actor(
        conn, "https://remote.example/users/dana", "https://remote.example/users/dana/inbox"
    )
    async with browse("alice") as alice:
        added = await post_form(
            alice,
            "/@garden/moderation/team",
            "/@garden/moderation/team/add",
            handle="@dana@remote.example",
        )
        assert added.headers["location"].endswith("?done=add_moderator")
        team = (await alice.get("/@garden/moderation/team")).text
        assert "@dana@remote.example" in team
        assert dana.id in [m.id for m in await moderators_of(conn, town.garden)]
        spaces = await post_form(
            alice, "/@garden/moderation/team", "/@garden/moderation/team/add", handle="@ @x"
        )
        assert spaces.status_code == 400
