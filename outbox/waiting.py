"""Our replies that wait for their thread to join its group.

Our people may reply to one of our threads as soon as they publish it, before the group took it
in: its ``Create`` still waits in the inbox queue, or the group holds it for its moderators
(pre-moderation). Such a reply goes to the group the thread was sent to and waits (stored here,
its ``Create`` handled, in no group). When the thread joins the group (the inbox handler takes
it in, or a moderator approves it: :mod:`outbox.governance.kinds.queue`), the group takes its
waiting replies in as it takes any reply (its rules, pre-moderation) and announces them; when
the thread never joins (a moderator rejects it), they are refused as any reply to a thread of
ours the group did not take in. Both sides lock the thread's row first (:func:`lock_thread`), so
that a reply and its thread's fate take turns: one of them sees the other.
"""

from __future__ import annotations

from typing import Any

from community.activities import find_activity
from community.actors import Actor, find_actor_by_id
from community.membership import is_moderator, may_post
from community.moderation import (
    find_held_post,
    hold_post,
    is_thread_locked,
    mark_removed,
    must_hold,
)
from community.posts import Post, admit_to_group, find_post, lock_post, waiting_replies
from community.storage.database import Conn
from community.urls import Urls
from federation.vocabulary import ASObject, parse_object
from federation.vocabulary.base import id_of
from outbox.activities import build_response
from outbox.send import Audience, Outgoing, send

#: why a reply to one of our threads is refused when the group did not take the thread in
NOT_IN_COMMUNITY = "the thread is not in the community"


def addressed_to(raw: dict[str, Any]) -> list[str]:
    """The ids a stored post is addressed to (``audience``, ``to``, ``cc``), in that order."""
    found: list[str] = []
    for key in ("audience", "to", "cc"):
        value = raw.get(key)
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and one not in found:
                found.append(one)
    return found


async def reject(
    conn: Conn, urls: Urls, group: Actor, create: dict[str, Any], author: Actor, reason: str
) -> None:
    """The group's ``Reject`` of ``create`` (embedded, as Lemmy requires), sent to its author
    (as :func:`outbox.actions.respond`, which this module cannot import: actions → bridges →
    governance → its queue kinds → here)."""
    response = build_response(urls, group, "Reject", create, author.uri, reason)
    await send(conn, group, Outgoing.of(response), Audience(actors=(author,), listed=False))


def sent_to_but_not_in(post: Post, group: Actor) -> bool:
    """``post`` is one of ours sent to ``group``, and not (or not yet) in it."""
    return post.local and post.group_id is None and group.uri in addressed_to(post.raw)


async def lock_thread(conn: Conn, uri: str) -> Post | None:
    """The post ``uri`` as it is now, its row locked until the transaction ends (None: we do not
    have it)."""
    post = await find_post(conn, uri)
    return await lock_post(conn, post) if post is not None else None


async def held_for(conn: Conn, group: Actor, author: Actor, thread: Post) -> bool:
    """Whether our person's reply waits for ``thread`` (locked by the caller), which ``group``
    holds for its moderators. Only our people's replies wait (a remote reply is refused, and
    its author told so)."""
    if not author.local or not sent_to_but_not_in(thread, group):
        return False
    return await find_held_post(conn, group, thread.uri) is not None


async def refusal(conn: Conn, group: Actor, author: Actor, obj: ASObject) -> str | None:
    """Why ``group`` refuses this post from ``author`` (None: it does not): the group's posting
    rule and bans, a thread of ours it did not take in, and a locked thread (moderators may
    still answer in it)."""
    parent_uri = id_of(obj.in_reply_to)
    reason = await may_post(conn, group, author, top_level=parent_uri is None)
    if reason is not None or parent_uri is None:
        return reason
    parent = await find_post(conn, parent_uri)
    if parent is not None and sent_to_but_not_in(parent, group):
        return NOT_IN_COMMUNITY
    if await is_thread_locked(conn, parent_uri) and not await is_moderator(conn, group, author):
        return "the thread is locked: it takes no more replies"
    return None


async def mark_refused(conn: Conn, group: Actor, author: Actor, obj: ASObject, reason: str) -> None:
    """Our own person's reply the group refused (stored when they published it, in its
    thread's group) is hidden as a removed post is, the refusal its reason, so that no page here
    shows it under a thread that everyone else sees without it."""
    if not author.local or id_of(obj.in_reply_to) is None:
        return
    post = await find_post(conn, obj.id or "")
    if post is None or post.deleted_at is not None or post.group_id not in (None, group.id):
        return
    await mark_removed(conn, post, f"refused by {group.handle}: {reason}")


async def take_in_waiting(conn: Conn, urls: Urls, group: Actor, thread: Post) -> list[str]:
    """The replies that waited for ``thread`` (and theirs), as the group takes any reply: its
    rules, pre-moderation; the ``Create`` ids of those it took in (to announce)."""
    joined: list[str] = []
    for reply in await waiting_replies(conn, thread):
        author = await find_actor_by_id(conn, reply.author_id)
        stored = await find_activity(conn, reply.create_uri or "")
        if author is None or stored is None or group.uri not in addressed_to(reply.raw):
            continue
        obj = parse_object(reply.raw)
        reason = await refusal(conn, group, author, obj)
        if reason is not None:
            await reject(conn, urls, group, stored.json(), author, reason)
            await mark_refused(conn, group, author, obj, reason)
            await refuse_waiting(conn, urls, group, reply)
        elif await must_hold(conn, group, author):
            await hold_post(conn, group, author, reply.raw, stored.uri, stored.body)
        else:
            taken = await admit_to_group(conn, reply.raw, author, group)
            joined += [stored.uri, *await take_in_waiting(conn, urls, group, taken)]
    return joined


async def refuse_waiting(conn: Conn, urls: Urls, group: Actor, thread: Post) -> None:
    """``thread`` will not join ``group`` (a moderator rejected it, or the group refused it):
    the replies that waited for it (and theirs) are refused as any reply to a thread of ours
    the group did not take in, each author told and the reply hidden here."""
    for reply in await waiting_replies(conn, thread):
        author = await find_actor_by_id(conn, reply.author_id)
        stored = await find_activity(conn, reply.create_uri or "")
        if author is None or stored is None or group.uri not in addressed_to(reply.raw):
            continue
        await reject(conn, urls, group, stored.json(), author, NOT_IN_COMMUNITY)
        await mark_refused(conn, group, author, parse_object(reply.raw), NOT_IN_COMMUNITY)
        await refuse_waiting(conn, urls, group, reply)
