"""What our people do to posts and to themselves besides posting: favourite, reblog (and
take back), and update their profile. Each writes its effect and its activity in one
transaction, like :mod:`outbox.actions`.
"""

from __future__ import annotations

from typing import Any

import orjson

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
from community.render import AS_CONTEXT, AS_PUBLIC, render_actor
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import like
from outbox.activities import build_undo, new_activity_uri, now_iso
from outbox.sending import Audience, send


async def _vote_audience(conn: Conn, post: Post) -> tuple[Actor, ...]:
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    author = await find_actor_by_id(conn, post.author_id)
    return tuple(a for a in (group, author) if a is not None)


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
        recipients = await _vote_audience(conn, post)
        liked = {"id": vote["activity_uri"], "type": vote["kind"], "actor": person.uri,
                 "object": post.uri}  # fmt: skip
        undo = build_undo(urls, person, liked)
        undo["to"] = [a.uri for a in recipients]
        if not any(a.local for a in recipients):
            # a local group or author hears the Undo through the inbox, which drops the vote
            await forget_vote(conn, person, post)
        await _send(conn, person, undo, Audience(actors=recipients), public=False)


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
        announce = {
            "@context": AS_CONTEXT, "id": new_activity_uri(urls), "type": "Announce",
            "actor": person.uri, "object": post.uri, "to": [AS_PUBLIC],
            "cc": [author.uri, person.followers_uri], "published": now_iso(),
        }  # fmt: skip
        await record_share(conn, post, person, str(announce["id"]))
        await notify(conn, author.id, "reblog", person.id, post.id)
        await _send(conn, person, announce,
                    Audience(actors=(author,), followers_of=person), public=True)  # fmt: skip
        share = await find_share(conn, post, person)
        assert share is not None
        return int(share["id"])


async def unreblog(conn: Conn, urls: Urls, person: Actor, post: Post) -> None:
    async with conn.transaction():
        share = await find_share(conn, post, person)
        if share is None:
            return
        author = await find_actor_by_id(conn, post.author_id)
        announce = {"id": share["announce_uri"] or new_activity_uri(urls), "type": "Announce",
                    "actor": person.uri, "object": post.uri}  # fmt: skip
        undo = build_undo(urls, person, announce)
        undo["to"], undo["cc"] = [AS_PUBLIC], [person.followers_uri]
        await forget_share(conn, post, person)
        recipients = (author,) if author is not None else ()
        await _send(conn, person, undo,
                    Audience(actors=recipients, followers_of=person), public=False)  # fmt: skip


async def announce_profile(conn: Conn, urls: Urls, person: Actor) -> None:
    """Tell followers that a profile changed (Update of the actor)."""
    key = await get_local_key(conn, person)
    update = {
        "@context": AS_CONTEXT, "id": new_activity_uri(urls), "type": "Update",
        "actor": person.uri, "object": render_actor(person, key.public_key_pem),
        "to": [AS_PUBLIC], "cc": [person.followers_uri],
    }  # fmt: skip
    await _send(conn, person, update, Audience(followers_of=person), public=True)


async def _send(
    conn: Conn, sender: Actor, activity: dict[str, Any], audience: Audience, *, public: bool
) -> None:
    await send(conn, sender, orjson.dumps(activity).decode(), audience=audience, public=public)
