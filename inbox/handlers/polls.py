"""Votes on our polls, as Mastodon sends them: a ``Create`` of a ``Note`` whose ``name`` is one
of the poll's options and whose ``inReplyTo`` is the poll (``poll_vote?`` in
``app/lib/activitypub/activity/create.rb`` of mastodon/mastodon).

Called by :mod:`inbox.handlers.create` before a note is taken for a reply. A vote is counted,
never stored as a post nor announced by a group (it is addressed to the poll's author alone);
the author then sends everyone the new counts (:func:`outbox.polls.publish_results`). A vote
that comes after the poll ended is ignored, as Mastodon does.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id
from community.context import AppContext
from community.polls import PollRefused, find_poll, record_votes
from community.posts import find_post
from community.storage.database import Conn
from federation.vocabulary import ASObject
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.model import Done, Ignored
from outbox.polls import publish_results


async def take_vote(
    conn: Conn, ctx: AppContext, obj: ASObject, voter: Actor
) -> Done | Ignored | None:
    """The vote ``obj`` is on one of our polls, counted; None when it is no such vote."""
    parent_uri = id_of(obj.in_reply_to)
    if not obj.name or not parent_uri or obj.id is None:
        return None
    post = await find_post(conn, parent_uri)
    poll = await find_poll(conn, post.id) if post is not None and post.local else None
    if post is None or poll is None or obj.name not in poll.options:
        return None
    if poll.expired:
        return Ignored("a vote after the poll ended")
    try:
        await record_votes(conn, poll, voter.id, [poll.options.index(obj.name)], [obj.id])
    except PollRefused as exc:
        raise Refused(str(exc)) from None
    author = await find_actor_by_id(conn, post.author_id)
    assert author is not None
    await publish_results(conn, ctx.urls, post, author)
    return Done(f"vote for {obj.name!r} counted")
