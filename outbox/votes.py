"""A member's vote on a post as Lemmy votes: up (``Like``), down (``Dislike``) or none.

A change of vote sends the new vote alone, and taking a vote back sends an ``Undo`` of it, as
Lemmy does (LemmyNet/lemmy, ``crates/apub/src/activities/voting/mod.rs``: a score of 0 is an
``UndoVote``, any other score a ``Vote``); receivers keep one vote per person and post. The
vote is kept here, whoever receives it, like :func:`outbox.reactions.favourite`.
"""

from __future__ import annotations

from typing import Literal

from community.actors import Actor
from community.posts import Post, find_vote, record_vote
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import like
from outbox.reactions import unfavourite

VoteKind = Literal["Like", "Dislike"]


async def vote(conn: Conn, urls: Urls, person: Actor, post: Post, kind: VoteKind | None) -> None:
    """Vote ``kind`` on ``post`` (None takes the vote back); the same vote again does nothing."""
    async with conn.transaction():
        existing = await find_vote(conn, person, post)
        current = existing["kind"] if existing is not None else None
        if current == kind:
            return
        if kind is None:
            await unfavourite(conn, urls, person, post)
            return
        activity_uri = await like(conn, urls, person, post, kind)
        await record_vote(conn, person, post, kind, activity_uri)
