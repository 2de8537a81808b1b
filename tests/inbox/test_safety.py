"""DESIGN.md §5 rules not covered elsewhere: answers only from the followed, sanitised HTML,
and a closed group's posts kept among its members."""

import asyncpg
import orjson

from community.html import sanitize_html
from community.membership import find_follow
from outbox import actions
from tests.inbox.conftest import GROUP, LEMMY_HOSTS, step
from tests.inbox.support import fixture, post_signed


def test_remote_html_is_reduced_to_the_allow_list() -> None:
    dirty = (
        '<p onclick="x()">Hi <script>alert(1)</script><img src=x onerror=y()>'
        '<a href="javascript:alert(1)">a</a> <a href="https://ok.example" style="x">b</a>'
        '<span class="h-card evil">c</span><iframe src="https://x"></iframe><style>p{}</style></p>'
    )
    clean = sanitize_html(dirty)
    for forbidden in (
        "script",
        "onclick",
        "onerror",
        "<img",
        "javascript:",
        "iframe",
        "style",
        "evil",
    ):
        assert forbidden not in clean
    assert 'href="https://ok.example"' in clean
    assert 'rel="nofollow noopener noreferrer"' in clean
    assert 'class="h-card"' in clean


async def test_stored_posts_keep_only_sanitised_html(client, ctx, world, conn) -> None:
    follow = {
        "id": f"{world.alpha.uri}/f",
        "type": "Follow",
        "actor": world.alpha.uri,
        "object": GROUP,
    }
    await post_signed(client, "/inbox", follow, world.alpha)
    create = fixture("lemmy/create_page.json", LEMMY_HOSTS)
    create["object"]["content"] = "<p>ok</p><script>steal()</script><img src=x onerror=y()>"
    await post_signed(client, "/inbox", create, world.alpha)
    await step(ctx)
    assert await conn.fetchval("SELECT content_html FROM posts") == "<p>ok</p>"


async def test_only_the_followed_actor_may_accept_a_follow(
    client, ctx, world, conn: asyncpg.Connection
) -> None:
    async with ctx.pool.acquire() as pooled:
        await actions.follow(pooled, ctx.urls, world.mod, world.alpha.actor)
    follow_id = await conn.fetchval("SELECT activity_uri FROM follows")
    forged = {
        "id": f"{world.felix.uri}/accept/1",
        "type": "Accept",
        "actor": world.felix.uri,
        "object": follow_id,
    }
    await post_signed(client, "/inbox", forged, world.felix)
    await step(ctx)
    pending = await find_follow(conn, world.mod.id, world.alpha.actor.id)
    assert pending is not None
    assert not pending.accepted
    genuine = {
        "id": f"{world.alpha.uri}/accept/1",
        "type": "Accept",
        "actor": world.alpha.uri,
        "object": follow_id,
    }
    await post_signed(client, "/inbox", genuine, world.alpha)
    await step(ctx)
    accepted = await find_follow(conn, world.mod.id, world.alpha.actor.id)
    assert accepted is not None
    assert accepted.accepted


async def test_a_closed_groups_posts_stay_among_its_members(client, ctx, world, conn) -> None:
    await conn.execute(
        (
            "UPDATE actors SET manually_approves_followers = true,"
            " community_visibility = 'private' WHERE uri = $1"
        ),
        GROUP,
    )
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        world.alpha.actor.id,
        world.group.id,
    )
    closed = world.group.__class__(
        **{
            **world.group.__dict__,
            "manually_approves_followers": True,
            "community_visibility": "private",
        }
    )
    async with ctx.pool.acquire() as pooled:
        post = await actions.publish(pooled, ctx.urls, world.mod, "members only", group=closed)
    await step(ctx)
    create = orjson.loads(await conn.fetchval("SELECT body FROM activities WHERE type = 'Create'"))
    assert create["to"] == [GROUP]
    assert create["cc"] == []
    announce = orjson.loads(
        await conn.fetchval("SELECT body FROM activities WHERE type = 'Announce'")
    )
    assert announce["to"] == [f"{GROUP}/followers"]
    assert "https://www.w3.org/ns/activitystreams#Public" not in announce["cc"]
    as2 = {"Accept": "application/activity+json"}
    outbox = (await client.get(f"{GROUP}/outbox", headers=as2)).json()
    assert outbox["totalItems"] == 0
    assert (await client.get(post.uri, headers=as2)).status_code == 404
    page = (await client.get(GROUP, headers={"Accept": "text/html"})).text
    assert "members only" not in page
    hosts = {r["host"] for r in await conn.fetch("SELECT host FROM deliveries")}
    assert hosts <= {"ds9.lemmy.example"}, "delivered to members' servers only"
