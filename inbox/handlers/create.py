"""``Create``: a post or comment, from Mastodon (``Note``), Lemmy/PieFed/Mbin (``Page``,
``Note`` comments) or others (``Article``, ``Question``, ``Event``…).

A post reaches one of our groups when it is addressed to it (``to``, ``cc``, ``audience``) or
mentions it, or replies to a post in its thread. The group checks who may post (its posting
rule, bans, locked threads); an allowed post is stored and re-shared (a
:class:`~inbox.model.Reshare`, with a boost for a new thread), or held for the moderators when
the group pre-moderates it; a refused one earns its author a ``Reject`` with the reason. Posts
that reach no group are kept only if they concern someone here. A reply to a thread of ours that
was sent to the group but that the group has not taken in yet (its ``Create`` waits in the
queue, or the group holds it for its moderators: our people may reply at once) waits for it:
the group takes it in (or refuses it) when it takes the thread in or a moderator approves it,
and announces it with the thread (:mod:`outbox.waiting`); a reply to one of our threads the
group did not take in (or refused, or a moderator rejected) is refused. A vote on one of our
polls (a ``Note`` named after an option) is counted instead (:mod:`inbox.handlers.polls`).

A post is its author's and is one post (FEP-1b12 and DESIGN.md §5):

* the object is the actor's: on the actor's server, attributed to the actor (an object from
  another origin is fetched from there first, :func:`~inbox.handlers.common.trusted_object`),
  and, when we know the post already, ours says the same author;
* the first ``Create`` that brought the post here is remembered (``posts.create_uri``); another
  ``Create`` of the same object, under another activity id, changes nothing (an edit comes as
  ``Update``), so a group never announces one post twice.
"""

from __future__ import annotations

from community.actors import Actor, any_local_actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import is_followed_here
from community.moderation import hold_post, must_hold
from community.notifications import notify_mentions
from community.posts import (
    POST_TYPES,
    Post,
    admit_to_group,
    find_post,
    is_tombstoned,
    record_share,
    remember_create,
    store_post,
)
from community.remote import authority_of
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary import ASObject
from federation.vocabulary.base import id_of
from inbox.bridging import admission, admitted_already
from inbox.errors import Refused
from inbox.handlers.common import (
    addressed_uris,
    ensure_actor,
    local_groups_addressed,
    trusted_object,
)
from inbox.handlers.polls import take_vote
from inbox.model import Done, Ignored, Outcome, Received, Reshare, Several, Transaction, json_of
from outbox.actions import respond
from outbox.waiting import (
    held_for,
    lock_thread,
    mark_refused,
    refusal,
    refuse_waiting,
    sent_to_but_not_in,
    take_in_waiting,
)

Q = load_queries("inbox")


def check_post(obj: ASObject, author_uri: str) -> str:
    """The object's id, once it is a post attributed to ``author_uri`` on its server."""
    if not any(k in POST_TYPES for k in obj.type_names()):
        raise Refused(f"a Create of {obj.type!r} is not a post we keep")
    object_uri = obj.id
    # TODO(issue 11, origins): compare federation.origins once the harden branch lands
    if not object_uri or authority_of(object_uri) != authority_of(author_uri):
        raise Refused("the post's id is not on its author's server")
    if id_of(obj.attributed_to) != author_uri:
        raise Refused("the post is not attributed to the activity's actor")
    return object_uri


def check_known(known: Post, author: Actor, rx: Received) -> Ignored | None:
    """A post we have: refused when it is someone else's; ignored when another ``Create``
    brought it already (one post, one ``Create``)."""
    if known.author_id != author.id:
        raise Refused("the post is someone else's: its author here is not the activity's actor")
    if known.create_uri is not None and known.create_uri != rx.activity_uri:
        return Ignored("a second Create of a post we have changes nothing (an edit is an Update)")
    return None


async def groups_for(conn: Conn, ctx: AppContext, rx: Received, obj: ASObject) -> list[Actor]:
    groups = await local_groups_addressed(conn, ctx, obj, rx.activity)
    parent_uri = id_of(obj.in_reply_to)
    parent = await find_post(conn, parent_uri) if parent_uri else None
    if parent is not None and parent.group_id is not None:
        group = await find_actor_by_id(conn, parent.group_id)
        if group is not None and group.local and group not in groups:
            groups.append(group)
    return groups


async def concerns_someone_here(conn: Conn, rx: Received, obj: ASObject, author: Actor) -> bool:
    parent_uri = id_of(obj.in_reply_to)
    if parent_uri and await find_post(conn, parent_uri) is not None:
        return True
    if await any_local_actor(conn, addressed_uris(obj, rx.activity)):
        return True
    return await is_followed_here(conn, author)


async def waits_for_thread(
    conn: Conn, group: Actor, rx: Received, obj: ASObject, author: Actor
) -> bool:
    """Whether this reply waits for its thread: one of ours sent to ``group``, whose ``Create``
    the group has not handled yet (our people may reply at once), or that the group holds for
    its moderators (our people's replies only). The thread's row is locked first, so that the
    thread joining the group or being rejected (:mod:`outbox.waiting`) and this reply take
    turns: one of them sees the other."""
    parent = await lock_thread(conn, id_of(obj.in_reply_to) or "")
    if parent is None or not sent_to_but_not_in(parent, group):
        return False
    if await held_for(conn, group, author, parent):
        return True
    return bool(await conn.fetchval(Q["create_waits"], parent.uri, rx.activity_uri))


async def bridged_refusal(
    conn: Conn, group: Actor, rx: Received, obj: ASObject, author: Actor
) -> str | None:
    """:func:`refusal`, unless the group took the post in already, or a bridge brings it
    (``defer``: it waits for the bridging community's announce; :mod:`inbox.bridging`)."""
    if await admitted_already(conn, group, rx):
        return None
    reason = await refusal(conn, group, author, obj)
    if reason is None:
        return None
    bridged = await admission(conn, group, rx, obj, author)
    return None if bridged == "admit" else bridged or reason


async def post_into_group(
    conn: Conn, ctx: AppContext, rx: Received, obj: ASObject, author: Actor, group: Actor
) -> Done | Ignored | Reshare:
    if await waits_for_thread(conn, group, rx, obj, author):
        return Ignored(f"{group.username} takes it in with its thread, which it has not yet")
    reason = await bridged_refusal(conn, group, rx, obj, author)
    if reason == "defer":
        return Ignored(f"{group.username} waits for the announce of the bridge it came by")
    if reason is not None:
        await respond(conn, ctx.urls, group, "Reject", rx.json, author, reason)
        await mark_refused(conn, group, author, obj, reason)
        await refuse_post_waiting(conn, ctx, group, obj)
        return Done(f"rejected in {group.username}: {reason}")
    if await must_hold(conn, group, author):  # pre-moderation: stored, not shown nor announced
        await hold_post(conn, group, author, json_of(obj), rx.activity_uri, rx.body)
        return Done(f"held for the moderators of {group.username}")
    post = await admit_to_group(conn, json_of(obj), author, group)
    boost = post.uri if post.is_top_level else None  # the group's boost of a new thread
    joined = tuple(await take_in_waiting(conn, ctx.urls, group, post))
    return Reshare(group, f"posted in {group.username}", boost=boost, joined=joined)


async def refuse_post_waiting(conn: Conn, ctx: AppContext, group: Actor, obj: ASObject) -> None:
    """The replies of ours that waited for a post the group refused are refused too."""
    post = await find_post(conn, obj.id or "")
    if post is not None and post.local:
        await refuse_waiting(conn, ctx.urls, group, post)


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    obj = await trusted_object(ctx, rx)
    object_uri = check_post(obj, rx.actor_uri)
    author = await ensure_actor(ctx, rx.actor_uri)
    conn = await tx.begin()
    known = await find_post(conn, object_uri)
    ignored = check_known(known, author, rx) if known is not None else None
    if ignored is not None:
        return ignored
    counted = await take_vote(conn, ctx, obj, author)
    if counted is not None:
        return counted
    outcome = await store_and_share(conn, ctx, rx, obj, object_uri, author)
    post = await find_post(conn, object_uri)
    if post is not None:
        await remember_create(conn, post, rx.activity_uri)
        parent = await find_post(conn, post.in_reply_to_uri or "")
        parent_author_id = parent.author_id if parent else None
        await notify_mentions(conn, post.id, author.id, addressed_uris(obj), parent_author_id)
    return outcome


async def store_and_share(
    conn: Conn, ctx: AppContext, rx: Received, obj: ASObject, object_uri: str, author: Actor
) -> Outcome:
    if await is_tombstoned(conn, object_uri):
        return Ignored("the post was deleted")
    groups = await groups_for(conn, ctx, rx, obj)
    if groups:
        outcomes = tuple([await post_into_group(conn, ctx, rx, obj, author, g) for g in groups])
        return outcomes[0] if len(outcomes) == 1 else Several(outcomes)
    if rx.via_group_uri is not None:
        return await store_from_remote_group(conn, rx, obj, author)
    if not await concerns_someone_here(conn, rx, obj, author):
        raise Refused("the post concerns no one here")
    await store_post(conn, json_of(obj), author, None, local=author.local)
    return Done("stored")


async def store_from_remote_group(
    conn: Conn, rx: Received, obj: ASObject, author: Actor
) -> Outcome:
    assert rx.via_group_uri is not None
    group = await find_actor_by_uri(conn, rx.via_group_uri)
    assert group is not None
    post, _ = await store_post(conn, json_of(obj), author, group, local=False)
    await record_share(conn, post, group, rx.announce_uri)
    return Done(f"stored from {group.handle}")
