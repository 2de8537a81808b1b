"""What our people do, as activities: follow, leave, post, reply, delete, like; and what a
moderator does to a request to join.

Each action writes its effect and its activity in the caller's transaction (the transactional
outbox), building with :mod:`outbox.activities` and sending with :func:`outbox.send.send`.
Activities for local recipients go through the local inbox queue, so a member of a local group
is handled exactly like a member on another server (see :mod:`outbox.send` on the local path).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.audience import PostAudience, compose, withdrawal
from community.errors import InvalidInput
from community.media import attach
from community.membership import find_follow, record_follow, remove_follow
from community.polls import set_hide_totals
from community.posts import Post, delete_post, find_post, store_post
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import (
    Composition,
    build_create,
    build_delete,
    build_follow,
    build_note,
    build_response,
    build_undo,
    build_vote,
    mentioned_in,
    stored_activity,
)
from outbox.bridges import carriers_for_reply
from outbox.send import Audience, Outgoing, send
from outbox.waiting import addressed_to

MAX_POST_LENGTH = 5000


async def follow(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    """Ask to follow (join) ``target``; it answers with Accept or Reject."""
    if target.id == person.id:
        raise InvalidInput("one cannot follow oneself")
    activity = build_follow(urls, person, target.uri)
    async with conn.transaction():
        existing = await find_follow(conn, person.id, target.id)
        if existing is not None and existing.accepted:
            return
        await record_follow(conn, person, target, activity["id"], accepted=False)
        await send(conn, person, Outgoing.of(activity), Audience(actors=(target,), listed=False))


async def unfollow(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    async with conn.transaction():
        existing = await remove_follow(conn, person.id, target.id)
        if existing is None:
            return
        followed = stored_activity(urls, existing.activity_uri, "Follow", person, target.uri)
        undo = build_undo(urls, person, followed, to=[target.uri])
        await send(conn, person, Outgoing.of(undo), Audience(actors=(target,), listed=False))


def check_text(text: str, comp: Composition | None = None) -> None:
    if not text.strip() and not (comp is not None and comp.media):
        raise InvalidInput("a post needs some text")
    if comp is not None and comp.media and comp.poll is not None:
        raise InvalidInput("a post with a poll cannot carry attachments")
    if len(text) > MAX_POST_LENGTH:
        raise InvalidInput(f"a post may be at most {MAX_POST_LENGTH} characters")


async def publish(
    conn: Conn,
    urls: Urls,
    author: Actor,
    text: str,
    *,
    group: Actor | None = None,
    in_reply_to: str | None = None,
    title: str | None = None,
    composition: Composition | None = None,
) -> Post:
    """Post (to a group, when given) or reply; the group's own rules decide on arrival.

    Every way our people post comes here (CLI, client API, C2S), and the post's audience
    (addressing, deliveries, listing, stored visibility) is what
    :func:`community.audience.compose` decides, nothing else. The post is stored here,
    unattached to a local group: the group's ``Create`` handler attaches it once its rules
    allow (the local path, :mod:`outbox.send`).
    """
    comp = composition or Composition()
    check_text(text, comp)
    async with conn.transaction():
        parent, parent_author, group = await _thread_of(conn, in_reply_to, group)
        carriers = await carriers_for_reply(conn, author, parent)  # bridges: docs/bridges.md
        comp = replace(comp, mentions=(*comp.mentions, *carriers)) if carriers else comp
        note, audience = composed_note(
            urls,
            author,
            text,
            comp,
            group=group,
            parent=parent,
            parent_author=parent_author,
            title=title,
        )
        remote_group = group if group is not None and not group.local else None
        post, _ = await store_post(conn, note, author, remote_group, local=True)
        await _carry(conn, post, author, comp)
        deliveries = Audience(
            actors=audience.recipients,
            followers_of=author if audience.to_followers else None,
            listed=audience.listed,
        )
        await send(conn, author, Outgoing.of(build_create(urls, author, note)), deliveries)
    return post


def composed_note(
    urls: Urls,
    author: Actor,
    text: str,
    comp: Composition,
    *,
    group: Actor | None,
    parent: Post | None,
    parent_author: Actor | None,
    title: str | None,
) -> tuple[dict[str, Any], PostAudience]:
    """The note ``author`` writes and its audience (:func:`community.audience.compose`): what a
    new post and an edit both build."""
    mentioned = mentioned_in(author, group, parent_author, comp)
    audience = compose(author, comp.visibility, group=group, mentioned=mentioned)
    note = build_note(
        urls,
        author,
        text,
        audience=audience,
        mentioned=mentioned,
        group=group,
        parent=parent,
        title=title,
        composition=comp,
    )
    return note, audience


async def _carry(conn: Conn, post: Post, author: Actor, comp: Composition) -> None:
    """What the note carries besides its text: its uploads, and its poll's own setting."""
    if comp.media:
        await attach(conn, post.id, author, comp.media)
    if comp.poll is not None and comp.poll.hide_totals:
        await set_hide_totals(conn, post.id, True)


async def _thread_of(
    conn: Conn, in_reply_to: str | None, group: Actor | None
) -> tuple[Post | None, Actor | None, Actor | None]:
    """The post replied to, its author, and the group (a reply stays in its thread's group)."""
    parent = await find_post(conn, in_reply_to) if in_reply_to else None
    if in_reply_to and parent is None:
        raise InvalidInput(f"no post {in_reply_to} here to reply to")
    parent_author = await find_actor_by_id(conn, parent.author_id) if parent else None
    if group is None and parent is not None:
        group = await _group_of_thread(conn, parent)
    return parent, parent_author, group


async def _group_of_thread(conn: Conn, parent: Post) -> Actor | None:
    """The group ``parent`` is in, or, while the group has not taken it in yet (its ``Create``
    waits in the group's inbox), the group it was addressed to: the reply goes to that group,
    which takes it once the thread is in (:mod:`inbox.handlers.create`)."""
    if parent.group_id is not None:
        return await find_actor_by_id(conn, parent.group_id)
    for uri in addressed_to(parent.raw):
        actor = await find_actor_by_uri(conn, uri)
        if actor is not None and actor.is_group and actor.local:
            return actor
    return None


async def delete(conn: Conn, urls: Urls, author: Actor, post: Post) -> None:
    if post.author_id != author.id:
        raise InvalidInput("only the author may delete a post")
    async with conn.transaction():
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        await delete_post(conn, post, author.uri)
        audience = withdrawal(author, group, post.visibility)
        activity = build_delete(urls, author, post, audience)
        deliveries = Audience(
            actors=audience.recipients,
            followers_of=author if audience.to_followers else None,
            listed=audience.listed,
        )
        await send(conn, author, Outgoing.of(activity), deliveries)


async def like(conn: Conn, urls: Urls, person: Actor, post: Post, kind: str = "Like") -> str:
    """Like (or dislike) a post; the activity's id."""
    async with conn.transaction():
        recipients = await vote_audience(conn, post)
        activity = build_vote(urls, person, kind, post, [a.uri for a in recipients])
        await send(conn, person, Outgoing.of(activity), Audience(actors=recipients, listed=False))
    return str(activity["id"])


async def vote_audience(conn: Conn, post: Post) -> tuple[Actor, ...]:
    """Who hears of a vote on ``post``: its group and its author."""
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    author = await find_actor_by_id(conn, post.author_id)
    return tuple(a for a in (group, author) if a is not None)


async def answer_request(
    conn: Conn, urls: Urls, group: Actor, follower: Actor, *, approve: bool
) -> None:
    """A moderator approves or rejects a pending request to join a closed group."""
    async with conn.transaction():
        pending = await find_follow(conn, follower.id, group.id)
        if pending is None or pending.accepted:
            raise InvalidInput(f"{follower.handle} has no pending request to join")
        if approve:
            await record_follow(conn, follower, group, pending.activity_uri, accepted=True)
        else:
            await remove_follow(conn, follower.id, group.id)
        followed = stored_activity(urls, pending.activity_uri, "Follow", follower, group.uri)
        await respond(conn, urls, group, "Accept" if approve else "Reject", followed, follower)


async def respond(
    conn: Conn,
    urls: Urls,
    actor: Actor,
    kind: str,
    answered: dict[str, Any],
    to: Actor,
    summary: str | None = None,
) -> None:
    """``Accept`` or ``Reject`` of ``answered`` (embedded, as Lemmy requires) sent to ``to``."""
    response = build_response(urls, actor, kind, answered, to.uri, summary)
    await send(conn, actor, Outgoing.of(response), Audience(actors=(to,), listed=False))
