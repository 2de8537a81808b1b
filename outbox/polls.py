"""Voting, and telling a poll's audience its new counts.

A member's vote on a poll of ours is counted here and its author's server (us) sends the
new counts at once; on a poll from elsewhere, it is counted here too (until its author's
server says more) and sent to its author, one ``Create{Note}`` per choice, as Mastodon does
(``app/services/vote_service.rb``). A vote from elsewhere on a poll of ours arrives in the
inbox (:mod:`inbox.handlers.create`) and ends in :func:`publish_results` as well.

Mastodon waits three minutes to batch the counts of several votes into one ``Update``; we have
no delayed jobs, so each vote sends one, in the vote's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from community.actors import Actor, find_actor_by_id
from community.audience import mention_uris
from community.polls import Poll, check_vote, find_poll, interested_ids, record_votes
from community.posts import Post, update_post
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import build_poll_vote, build_update, with_counts
from outbox.send import Audience, Outgoing, send


async def vote(
    conn: Conn, urls: Urls, voter: Actor, post: Post, poll: Poll, choices: Sequence[int]
) -> None:
    """``voter``'s choices in ``poll`` (:class:`~community.polls.PollRefused` if not allowed)."""
    check_vote(poll, post.author_id, voter.id, choices)
    async with conn.transaction():
        author = await find_actor_by_id(conn, post.author_id)
        assert author is not None
        votes = [build_poll_vote(voter, post.uri, author.uri, poll.options[c]) for c in choices]
        await record_votes(conn, poll, voter.id, choices, [v["object"]["id"] for v in votes])
        if author.local:
            await publish_results(conn, urls, post, author)
            return
        for one in votes:
            await send(conn, voter, Outgoing.of(one), Audience(actors=(author,), listed=False))


async def publish_results(conn: Conn, urls: Urls, post: Post, author: Actor) -> None:
    """Our poll's new counts: the post keeps them, and its author sends ``Update{Question}``
    to its followers, the accounts it mentions (its group), its voters and sharers."""
    poll = await find_poll(conn, post.id)
    if poll is None or (poll.hide_totals and not poll.expired):
        return  # hidden totals are not told before the end (Mastodon's distribute_poll!)
    question = with_counts(post.raw, poll)
    await update_post(conn, post, question)
    ids = await interested_ids(conn, post.id)
    others = [a for a in [await find_actor_by_id(conn, i) for i in ids] if a is not None]
    recipients = tuple(dict.fromkeys([*mention_uris(question), *(a.uri for a in others)]))
    audience = Audience(
        actors=tuple(r for r in recipients if r != author.uri),
        followers_of=None if post.visibility == "direct" else author,
        listed=False,
    )
    await send(conn, author, Outgoing.of(build_update(urls, author, question)), audience)
