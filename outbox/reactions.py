"""What our people do to posts and to themselves besides posting: favourite, reblog (and
take back), and update their profile. Each writes its effect and its activity in one
transaction, like :mod:`outbox.actions`.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, get_local_key
from community.errors import InvalidInput
from community.notifications import notify
from community.posts import (
    Post,
    find_share,
    find_vote,
    forget_share,
    forget_vote,
    record_share,
    record_vote,
)
from community.render import AS_PUBLIC, render_actor
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import like, vote_audience
from outbox.activities import build_profile_update, build_reblog, build_undo, stored_activity
from outbox.send import Audience, Outgoing, send


async def favourite(conn: Conn, urls: Urls, person: Actor, post: Post) -> None:
    """Like a post once (again is a no-op); the vote is kept here whoever receives it."""
    async with conn.transaction():
        existing = await find_vote(conn, person, post)
        if existing is not None and existing["kind"] == "Like":
            return
        activity_uri = await like(conn, urls, person, post)
        await record_vote(conn, person, post, "Like", activity_uri)


async def unfavourite(conn: Conn, urls: Urls, person: Actor, post: Post) -> None:
    async with conn.transaction():
        vote = await find_vote(conn, person, post)
        if vote is None:
            return
        recipients = await vote_audience(conn, post)
        voted = stored_activity(urls, vote["activity_uri"], vote["kind"], person, post.uri)
        undo = build_undo(urls, person, voted, to=[a.uri for a in recipients])
        if not any(a.local for a in recipients):
            # a local group or author hears the Undo through the inbox, which drops the vote
            await forget_vote(conn, person, post)
        await send(conn, person, Outgoing.of(undo), Audience(actors=recipients, listed=False))


async def reblog(conn: Conn, urls: Urls, person: Actor, post: Post) -> int:
    """Share a public post with one's followers (Announce); the share's id."""
    if post.visibility not in ("public", "unlisted") or post.deleted_at is not None:
        raise InvalidInput("only public posts can be reblogged")
    async with conn.transaction():
        existing = await find_share(conn, post, person)
        if existing is not None:
            return int(existing["id"])
        author = await find_actor_by_id(conn, post.author_id)
        assert author is not None
        announce = build_reblog(urls, person, post, author)
        await record_share(conn, post, person, str(announce["id"]))
        await notify(conn, author.id, "reblog", person.id, post.id)
        audience = Audience(actors=(author,), followers_of=person, listed=True)
        await send(conn, person, Outgoing.of(announce), audience)
        share = await find_share(conn, post, person)
        assert share is not None
        return int(share["id"])


async def unreblog(conn: Conn, urls: Urls, person: Actor, post: Post) -> None:
    async with conn.transaction():
        share = await find_share(conn, post, person)
        if share is None:
            return
        author = await find_actor_by_id(conn, post.author_id)
        shared = stored_activity(urls, share["announce_uri"], "Announce", person, post.uri)
        undo = build_undo(urls, person, shared, to=[AS_PUBLIC], cc=[person.followers_uri])
        await forget_share(conn, post, person)
        recipients = (author,) if author is not None else ()
        audience = Audience(actors=recipients, followers_of=person, listed=False)
        await send(conn, person, Outgoing.of(undo), audience)


async def announce_profile(conn: Conn, urls: Urls, person: Actor) -> None:
    """Tell followers that a profile changed (Update of the actor)."""
    key = await get_local_key(conn, person)
    update = build_profile_update(urls, person, render_actor(person, key.public_key_pem))
    await send(conn, person, Outgoing.of(update), Audience(followers_of=person, listed=True))
