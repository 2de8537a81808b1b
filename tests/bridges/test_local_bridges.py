"""Bridges between two communities of one server: the acts (and their quorum), what crosses
(filters, bans, private posts), what the bridging community's moderators take down, cutting."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg

from community.actors import Actor
from community.context import AppContext
from community.groups import create_group
from community.posts import Post
from outbox import bridges
from outbox.actions import answer_request, publish
from outbox.governance import Applied, Proposed, vote
from outbox.moderation import Moderator, act_on_post, ban
from tests.bridges.conftest import step


async def announced(conn: asyncpg.Connection, group: Actor, object_uri: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM activities WHERE actor_id = $1 AND type = 'Announce'"
            " AND object_uri = $2",
            group.id,
            object_uri,
        )
    )


async def create_of(conn: asyncpg.Connection, post: Post) -> str:
    uri: str = await conn.fetchval(
        "SELECT uri FROM activities WHERE type = 'Create' AND object_uri = $1", post.uri
    )
    return uri


async def bridged(conn: asyncpg.Connection, ctx: AppContext, t: SimpleNamespace, **terms) -> None:
    result = await bridges.make_bridge(conn, t.urls, t.admin, t.street, t.cycling, **terms)
    assert isinstance(result, Applied)
    await step(ctx)


async def post_in_cycling(
    conn: asyncpg.Connection, ctx: AppContext, t: SimpleNamespace, text: str, **kw
) -> Post:
    post = await publish(conn, t.urls, t.bea, text, group=t.cycling, **kw)
    await step(ctx)
    return post


async def carried(conn: asyncpg.Connection, t: SimpleNamespace, post: Post) -> bool:
    return bool(await announced(conn, t.street, await create_of(conn, post)))


async def test_a_bridge_carries_threads_once_attributed_to_the_source(
    conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    await bridged(conn, ctx, t)
    state = await conn.fetchval(
        "SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2",
        t.street.id,
        t.cycling.id,
    )
    assert state == "accepted"
    post = await post_in_cycling(conn, ctx, t, "Elm Street gets a bike lane")
    create = await create_of(conn, post)
    assert await announced(conn, t.cycling, create) == 1
    assert await announced(conn, t.street, create) == 1
    assert await announced(conn, t.street, post.uri) == 1  # its boost of the thread
    wrap = await conn.fetchval(
        "SELECT body::jsonb FROM activities WHERE actor_id = $1 AND object_uri = $2",
        t.street.id,
        create,
    )
    assert wrap["origin"] == t.cycling.uri
    assert wrap["object"]["actor"] == t.bea.uri  # attributed to its author
    assert wrap["object"]["object"]["audience"] == t.cycling.uri  # and to its community
    # a reply crosses too (filter 'all'), and everything was announced once
    reply = await post_in_cycling(conn, ctx, t, "Finally!", in_reply_to=post.uri)
    assert await carried(conn, t, reply)
    view = (await bridges.bridges_view(conn, t.street)).json()
    assert view["bridges"][0]["state"] == "accepted"
    assert view["bridges"][0]["carried"] == 2
    assert (await bridges.bridges_view(conn, t.cycling)).json()["bridged_by"] == [
        {"community": t.street.uri, "state": "accepted"}
    ]


async def test_filters_bans_and_private_posts_keep_posts_on_their_side(
    conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    await bridged(conn, ctx, t, filter_="top", words=["elm"], muted=["parking"])
    elm = await post_in_cycling(conn, ctx, t, "Elm Street lanes")
    other = await post_in_cycling(conn, ctx, t, "Oak Avenue lanes")
    muted = await post_in_cycling(conn, ctx, t, "Elm Street parking fight")
    reply = await post_in_cycling(conn, ctx, t, "Elm, yes", in_reply_to=elm.uri)
    assert await carried(conn, t, elm)
    assert not await carried(conn, t, other)
    assert not await carried(conn, t, muted)
    assert not await carried(conn, t, reply)  # threads only

    # the bridging community's moderators ban the author on their side
    await ban(conn, t.urls, Moderator(t.ann), t.street, t.bea, reason="off topic")
    banned = await post_in_cycling(conn, ctx, t, "Elm again")
    assert not await carried(conn, t, banned)

    # private content never crosses: a closed community's posts are for its members
    club = await create_group(conn, t.urls, "club", closed=True, moderators=[t.cy])
    assert isinstance(await bridges.make_bridge(conn, t.urls, t.admin, t.street, club), Applied)
    await step(ctx)
    pending = "SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2"
    assert await conn.fetchval(pending, t.street.id, club.id) == "pending"
    await answer_request(conn, t.urls, club, t.street, approve=True)
    await step(ctx)
    assert await conn.fetchval(pending, t.street.id, club.id) == "accepted"
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        t.cy.id,
        club.id,
    )
    secret = await publish(conn, t.urls, t.cy, "Members only: Elm", group=club)
    await step(ctx)
    assert await announced(conn, club, await create_of(conn, secret)) == 1
    assert await announced(conn, t.street, await create_of(conn, secret)) == 0


async def test_moderators_take_a_carried_post_down_and_cut_the_bridge(
    conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    await bridged(conn, ctx, t)
    post = await post_in_cycling(conn, ctx, t, "Something street does not want")
    result = await bridges.remove_bridged_post(conn, t.urls, Moderator(t.ann), t.street, post.uri)
    assert isinstance(result, Applied)
    withdrawn = await conn.fetchval(
        "SELECT withdrawn_at IS NOT NULL FROM bridged_posts WHERE group_id = $1", t.street.id
    )
    assert withdrawn
    assert await conn.fetchval("SELECT deleted_at FROM posts WHERE id = $1", post.id) is None
    removal = await conn.fetchval(
        "SELECT count(*) FROM activities WHERE actor_id = $1 AND type = 'Announce'"
        " AND body::jsonb -> 'object' ->> 'type' = 'Delete'",
        t.street.id,
    )
    assert removal == 1
    # a removal at the source reaches the communities that carry the post
    kept = await post_in_cycling(conn, ctx, t, "Kept for now")
    await bridges_remove_at_source(conn, ctx, t, kept)
    assert await conn.fetchval("SELECT removed_at FROM posts WHERE id = $1", kept.id) is not None

    # cutting the bridge (two moderators: it is a proposal until the second approves)
    await conn.execute(
        "INSERT INTO group_moderators (group_id, actor_id) VALUES ($1, $2)", t.street.id, t.bea.id
    )
    proposed = await bridges.cut_bridge(conn, t.urls, Moderator(t.ann), t.street, t.cycling)
    assert isinstance(proposed, Proposed)
    after_proposal = await post_in_cycling(conn, ctx, t, "Still crossing")
    assert await carried(conn, t, after_proposal)
    cut = await vote(conn, t.urls, t.street, proposed.proposal.id, t.bea, approve=True)
    assert isinstance(cut, Applied)
    await step(ctx)
    assert await conn.fetchval("SELECT count(*) FROM bridges") == 0
    gone = "SELECT count(*) FROM follows WHERE follower_id = $1 AND followee_id = $2"
    assert await conn.fetchval(gone, t.street.id, t.cycling.id) == 0
    later = await post_in_cycling(conn, ctx, t, "Nobody on Elm hears this")
    assert not await carried(conn, t, later)


async def bridges_remove_at_source(
    conn: asyncpg.Connection, ctx: AppContext, t: SimpleNamespace, post: Post
) -> None:
    await act_on_post(conn, t.urls, Moderator(t.cy), "remove_post", post.uri, "spam")
    await step(ctx)
    removal = await conn.fetchval(
        "SELECT count(*) FROM activities WHERE actor_id = $1 AND type = 'Announce'"
        " AND body::jsonb -> 'object' ->> 'type' = 'Delete'"
        " AND body::jsonb -> 'object' ->> 'object' = $2",
        t.street.id,
        post.uri,
    )
    assert removal == 1


async def test_publishing_to_relays_needs_the_quorum_but_opting_out_does_not(
    conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    await conn.execute(
        "INSERT INTO group_moderators (group_id, actor_id) VALUES ($1, $2)", t.street.id, t.bea.id
    )
    opt_in = await bridges.opt_in_relays(conn, t.urls, Moderator(t.ann), t.street, opt_in=True)
    assert isinstance(opt_in, Proposed)
    applied = await vote(conn, t.urls, t.street, opt_in.proposal.id, t.bea, approve=True)
    assert isinstance(applied, Applied)
    assert (await bridges.bridges_view(conn, t.street)).relayed
    opt_out = await bridges.opt_in_relays(conn, t.urls, Moderator(t.ann), t.street, opt_in=False)
    assert isinstance(opt_out, Applied)
    assert not (await bridges.bridges_view(conn, t.street)).relayed


async def test_replies_made_in_the_bridging_community_go_back_unless_the_thread_is_locked(
    conn: asyncpg.Connection, ctx: AppContext, town: SimpleNamespace
) -> None:
    t = town
    await bridged(conn, ctx, t)
    thread = await post_in_cycling(conn, ctx, t, "Lanes on Elm")
    reply = await publish(conn, t.urls, t.ann, "Thanks!", in_reply_to=thread.uri)
    await step(ctx)
    create = await create_of(conn, reply)
    assert await announced(conn, t.street, create) == 1
    assert await announced(conn, t.cycling, create) == 1  # back at the source, announced there
    assert await conn.fetchval("SELECT count(*) FROM activities WHERE type = 'Reject'") == 0

    await act_on_post(conn, t.urls, Moderator(t.cy), "lock", thread.uri)
    await step(ctx)
    late = await publish(conn, t.urls, t.ann, "Too late?", in_reply_to=thread.uri)
    await step(ctx)
    assert await announced(conn, t.cycling, await create_of(conn, late)) == 0
