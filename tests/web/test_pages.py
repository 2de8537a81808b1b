"""The pages in-process: what each shows, the member acts behind their forms, and the rules
(CSRF, sign-in, closed communities, negotiation of AS2 ids, error pages)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import httpx

from community.context import AppContext
from community.posts import find_post
from outbox import actions
from tests.web.conftest import AS2, HTML, post_form, step

ATOM = "{http://www.w3.org/2005/Atom}"
POST_PATH_RE = re.compile(r"^/posts/([0-9a-f-]{36})$")


async def start_thread(http: httpx.AsyncClient, title: str, body: str) -> str:
    done = await post_form(
        http, "/@garden/submit", "/@garden/submit", title=title, body=body, action="post"
    )
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


async def test_front_page_lists_communities_and_searches_handles(
    client: httpx.AsyncClient, town: SimpleNamespace, browse
) -> None:
    async with browse() as http:
        front = await http.get("/")
        assert 'href="/@garden"' in front.text
        assert "Garden club" in front.text
        assert '<label for="q">' in front.text
        found = await http.get("/search", params={"q": "@garden@social.test"})
        assert found.status_code == 303
        assert found.headers["location"] == "/@garden"
        unknown = await http.get("/search", params={"q": "@nobody@elsewhere.example"})
        assert unknown.status_code == 404
        assert "Sign in</a> to look it up" in unknown.text
        by_name = await http.get("/search", params={"q": "gard"})
        assert 'href="/@garden"' in by_name.text


async def test_a_member_joins_posts_replies_votes_and_deletes(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    async with browse("bob") as bob:
        joined = await post_form(bob, "/@garden", "/@garden/join")
        assert joined.status_code == 303
        await step(ctx)
        assert "Leave" in (await bob.get("/@garden")).text
        preview = await post_form(
            bob,
            "/@garden/submit",
            "/@garden/submit",
            title="Tomatoes",
            body="**Red** ones",
            action="preview",
        )
        assert "<strong>Red</strong>" in preview.text
        path = await start_thread(bob, "Tomatoes", "**Red** ones, _please_.")
        assert POST_PATH_RE.match(path), path
        await step(ctx)
        page = await bob.get(path)
        assert '<h1 id="post-title">Tomatoes</h1>' in page.text
        assert "<strong>Red</strong>" in page.text
        reply = await post_form(bob, path, path + "/reply", body="And green.", action="post")
        assert reply.status_code == 303
        assert reply.headers["location"].startswith(path + "#c")
        post = await find_post(conn, ctx.urls.object_uri(path.rsplit("/", 1)[1]))
        assert post is not None
        voted = await post_form(bob, path, "/votes", vote=f"up:{post.id}")
        assert voted.status_code == 303
        assert voted.headers["location"] == path + "#post"
        await step(ctx)
        row = await conn.fetchrow("SELECT upvotes, replies_count FROM posts WHERE id = $1", post.id)
        assert (row["upvotes"], row["replies_count"]) == (1, 1)
        assert 'aria-pressed="true" aria-label="Upvote"' in (await bob.get(path)).text
        await post_form(bob, path, "/votes", vote=f"down:{post.id}")
        await step(ctx)
        row = await conn.fetchrow("SELECT upvotes, downvotes FROM posts WHERE id = $1", post.id)
        assert (row["upvotes"], row["downvotes"]) == (0, 1)
        await post_form(bob, path, "/votes", vote=f"none:{post.id}")
        await step(ctx)
        assert await conn.fetchval("SELECT score FROM posts WHERE id = $1", post.id) == 0
        refused = await post_form(bob, path, "/votes", vote="sideways:1")
        assert refused.status_code == 400
        gone = await post_form(bob, path + "/delete", path + "/delete")
        assert gone.status_code == 303
        assert gone.headers["location"] == "/@garden"
        assert "Deleted by its author" in (await bob.get(path)).text
    async with browse() as anyone:
        assert "Tomatoes" not in (await anyone.get("/@garden")).text


async def test_threads_sort_and_page_by_keyset(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    async with ctx.pool.acquire() as pooled:
        for n in range(30):
            await actions.publish(
                pooled, ctx.urls, town.alice, f"text {n}", group=town.garden, title=f"thread {n:02}"
            )
    await step(ctx)
    await conn.execute("UPDATE posts SET upvotes = 5 WHERE title = 'thread 03'")
    async with browse() as http:
        first = await http.get("/@garden", params={"sort": "new"})
        titles = re.findall(r'class="title" href="[^"]+">(thread \d+)<', first.text)
        assert titles == [f"thread {n:02}" for n in range(29, 4, -1)]
        after = re.search(r'after=([0-9_-]+)#threads" rel="next"', first.text)
        assert after is not None
        second = await http.get("/@garden", params={"sort": "new", "after": after[1]})
        rest = re.findall(r'class="title" href="[^"]+">(thread \d+)<', second.text)
        assert rest == [f"thread {n:02}" for n in range(4, -1, -1)]
        top = await http.get("/@garden", params={"sort": "top"})
        assert re.findall(r'class="title" href="[^"]+">(thread \d+)<', top.text)[0] == "thread 03"
        for sort in ("active", "top"):
            page = await http.get("/@garden", params={"sort": sort})
            cursor = re.search(r"after=([0-9_-]+)#threads", page.text)
            assert cursor is not None
            more = await http.get("/@garden", params={"sort": sort, "after": cursor[1]})
            assert len(re.findall(r'class="title"', more.text)) == 5
        bad = await http.get("/@garden", params={"after": "garbage"})
        assert bad.status_code == 400
        assert "is not a page of this list" in bad.text


async def test_comments_nest_and_mark_removals(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    async with ctx.pool.acquire() as pooled:
        root = await actions.publish(
            pooled, ctx.urls, town.alice, "root", group=town.garden, title="Nest"
        )
        first = await actions.publish(pooled, ctx.urls, town.bob, "first", in_reply_to=root.uri)
        inner = await actions.publish(pooled, ctx.urls, town.alice, "inner", in_reply_to=first.uri)
        removed = await actions.publish(pooled, ctx.urls, town.bob, "spam", in_reply_to=root.uri)
    await conn.execute("UPDATE posts SET deleted_at = now() WHERE id = $1", removed.id)
    await conn.execute(
        "INSERT INTO tombstones (uri, deleted_by) VALUES ($1, $2)", removed.uri, town.alice.uri
    )
    await conn.execute("UPDATE posts SET updated = now() WHERE id = $1", inner.id)
    async with browse() as http:
        page = (await http.get(f"/posts/{root.uri.rsplit('/', 1)[1]}")).text
        assert page.index("first") < page.index("inner")
        assert re.search(rf'id="c{first.id}">.*?<ol>\s*<li id="c{inner.id}">', page, re.S)
        assert "Removed by a moderator." in page
        assert "spam" not in page
        assert "edited" in page
        focused = (await http.get(f"/posts/{first.uri.rsplit('/', 1)[1]}")).text
        assert "Show the whole thread" in focused
        assert "inner" in focused
        numbered = await http.get(f"/posts/{root.id}")
        assert numbered.status_code == 301


async def test_ids_of_our_posts_and_groups_lead_browsers_to_their_pages(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    async with ctx.pool.acquire() as pooled:
        post = await actions.publish(
            pooled, ctx.urls, town.alice, "hello", group=town.garden, title="Hello"
        )
    page = ctx.urls.post_url(post.uri)
    browsed = await client.get(post.uri, headers=HTML)
    assert browsed.status_code == 302
    assert browsed.headers["location"] == page
    doc = (await client.get(post.uri, headers=AS2)).json()
    assert doc["id"] == post.uri
    assert doc["url"] == page
    shown = await client.get(page, headers=HTML)
    assert '<meta property="og:title" content="Hello">' in shown.text
    assert f'<link rel="canonical" href="{page}">' in shown.text
    group = (await client.get(town.garden.uri, headers=AS2)).json()
    assert group["url"] == f"{ctx.urls.base_url}/@garden"
    assert (await client.get(group["url"], headers=HTML)).status_code == 200


async def test_errors_are_pages_for_people_and_json_for_programs(
    client: httpx.AsyncClient, town: SimpleNamespace, browse
) -> None:
    async with browse() as http:
        missing = await http.get("/no/such/page")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")
        assert "There is nothing at this address" in missing.text
        assert (await http.get("/@nobody")).status_code == 404
        assert (await http.get("/posts/99999999999999999999")).status_code == 404
        forged = await http.post("/@garden/join", data={"csrf": "forged"})
        assert forged.status_code in (303, 403)
        members_only = await http.get("/notifications")
        assert members_only.status_code == 303
        assert members_only.headers["location"] == "/auth/sign_in?next=/notifications"
    api = await client.get("/api/v1/statuses/1", headers=HTML)
    assert api.headers["content-type"].startswith("application/json")
    plain = await client.get("/no/such/page")
    assert plain.json() == {"error": "Not Found"}


async def test_forms_without_the_csrf_token_are_refused(
    client: httpx.AsyncClient, town: SimpleNamespace, browse
) -> None:
    async with browse("bob") as bob:
        refused = await bob.post("/@garden/join", data={"csrf": "forged"})
        assert refused.status_code == 403
        assert "The form has expired" in refused.text


async def test_a_closed_community_shows_its_threads_to_members_only(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse
) -> None:
    async with browse("alice") as alice:
        made = await post_form(
            alice,
            "/communities/new",
            "/communities/new",
            name="quiet",
            title="Quiet",
            summary="Shh.",
            posting_policy="members",
            closed="on",
        )
        assert made.status_code == 303
        assert made.headers["location"] == "/@quiet"
        path = (
            await post_form(
                alice,
                "/@quiet/submit",
                "/@quiet/submit",
                title="Secret",
                body="members only",
                action="post",
            )
        ).headers["location"]
        await step(ctx)
        assert "Secret" in (await alice.get("/@quiet")).text
    async with browse("bob") as bob:
        page = (await bob.get("/@quiet")).text
        assert "Secret" not in page
        assert "Ask to join" in page
        assert (await bob.get(path)).status_code == 404
        assert (await bob.get("/@quiet/feed.atom")).status_code == 404


async def test_the_atom_feed_lists_new_threads(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace
) -> None:
    async with ctx.pool.acquire() as pooled:
        await actions.publish(
            pooled, ctx.urls, town.alice, "<b>x</b> & y", group=town.garden, title="Feed me"
        )
    await step(ctx)
    feed = await client.get("/@garden/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Feed me"]
    assert "&lt;b&gt;x&lt;/b&gt;" in entries[0].findtext(f"{ATOM}content", "")


async def test_notifications_and_settings(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    await conn.execute(  # bob is a member: the group takes his reply in (it hides a refused one)
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        town.bob.id,
        town.garden.id,
    )
    async with ctx.pool.acquire() as pooled:
        post = await actions.publish(
            pooled, ctx.urls, town.alice, "mine", group=town.garden, title="Mine"
        )
        await actions.publish(pooled, ctx.urls, town.bob, "a reply", in_reply_to=post.uri)
    await step(ctx)
    async with browse("alice") as alice:
        notes = (await alice.get("/notifications")).text
        assert "replied to you or mentioned you" in notes
        assert "a reply" in notes
        saved = await post_form(
            alice, "/settings", "/settings/profile", display_name="Alice A.", bio="I garden."
        )
        assert saved.headers["location"] == "/settings?saved=profile"
        assert "Alice A." in (await alice.get("/@alice")).text
        wrong = await post_form(
            alice,
            "/settings",
            "/settings/password",
            current_password="nope",
            new_password="a new password",
            new_password_confirmation="a new password",
        )
        assert wrong.status_code == 403
    assert await conn.fetchval("SELECT name FROM actors WHERE username = 'alice'") == "Alice A."


async def test_authors_edit_their_posts(
    client: httpx.AsyncClient, ctx: AppContext, town: SimpleNamespace, browse, conn
) -> None:
    async with browse("bob") as bob:
        await post_form(bob, "/@garden", "/@garden/join")
        await step(ctx)
        path = await start_thread(bob, "Beans", "Runner *beans*.")
        await step(ctx)
        assert f'href="{path}/edit"' in (await bob.get(path)).text
        form = await bob.get(path + "/edit")
        assert "Runner *beans*." in form.text  # what was typed, Markdown and all
        preview = await post_form(
            bob, path + "/edit", path + "/edit", body="Broad **beans**.", action="preview"
        )
        assert "<strong>beans</strong>" in preview.text
        empty = await post_form(bob, path + "/edit", path + "/edit", body=" ", action="post")
        assert empty.status_code == 422
        saved = await post_form(
            bob, path + "/edit", path + "/edit", body="Broad **beans**.", action="post"
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == path + "#post"
        page = (await bob.get(path)).text
        assert "<strong>beans</strong>" in page
        assert "edited" in page
        assert '<h1 id="post-title">Beans</h1>' in page  # the title stays
    async with browse("alice") as alice:
        assert f'href="{path}/edit"' not in (await alice.get(path)).text
        assert (await alice.get(path + "/edit")).status_code == 400
