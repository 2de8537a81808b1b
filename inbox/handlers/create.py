"""``Create``: a post or comment, from Mastodon (``Note``), Lemmy/PieFed/Mbin (``Page``,
``Note`` comments) or others (``Article``, ``Question``, ``Event``…).

A post reaches one of our groups when it is addressed to it (``to``, ``cc``, ``audience``) or
mentions it, or replies to a post in its thread. The group checks who may post; an allowed
post is stored and redistributed, a refused one earns its author a ``Reject``. Posts that
reach no group are kept only if they concern someone here.
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import may_post
from community.notifications import notify_mentions
from community.posts import (
    POST_TYPES,
    already_announced,
    attach_to_group,
    find_post,
    is_tombstoned,
    record_share,
    store_post,
)
from community.remote import authority_of
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import (
    addressed_uris,
    ensure_actor,
    local_groups_addressed,
    trusted_object,
)
from inbox.model import Received
from outbox.actions import respond
from outbox.redistribute import redistribute

Q = load_queries("inbox")


def check_post(obj: dict[str, Any], author_uri: str) -> str:
    """The object's id, once it is a post attributed to ``author_uri`` on its server."""
    kinds = obj.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not any(k in POST_TYPES for k in kinds):
        raise Refused(f"a Create of {obj.get('type')!r} is not a post we keep")
    object_uri = id_of(obj)
    if not object_uri or authority_of(object_uri) != authority_of(author_uri):
        raise Refused("the post's id is not on its author's server")
    if id_of(obj.get("attributedTo")) != author_uri:
        raise Refused("the post is not attributed to the activity's actor")
    return object_uri


async def groups_for(conn: Conn, ctx: AppContext, rx: Received, obj: dict[str, Any]) -> list[Actor]:
    groups = await local_groups_addressed(conn, ctx, obj, rx.activity)
    parent_uri = id_of(obj.get("inReplyTo"))
    parent = await find_post(conn, parent_uri) if parent_uri else None
    if parent is not None and parent.group_id is not None:
        group = await find_actor_by_id(conn, parent.group_id)
        if group is not None and group.local and group not in groups:
            groups.append(group)
    return groups


async def concerns_someone_here(
    conn: Conn, rx: Received, obj: dict[str, Any], author: Actor
) -> bool:
    parent_uri = id_of(obj.get("inReplyTo"))
    if parent_uri and await find_post(conn, parent_uri) is not None:
        return True
    if await conn.fetchval(Q["any_local_actor"], addressed_uris(obj, rx.activity)):
        return True
    return bool(await conn.fetchval(Q["followed_by_local"], author.id))


async def post_into_group(
    conn: Conn, ctx: AppContext, rx: Received, obj: dict[str, Any], author: Actor, group: Actor
) -> str:
    top_level = id_of(obj.get("inReplyTo")) is None
    reason = await may_post(conn, group, author, top_level=top_level)
    if reason is not None:
        await respond(conn, ctx.urls, group, "Reject", rx.activity, author, reason)
        return f"rejected in {group.username}: {reason}"
    post, _ = await store_post(conn, obj, author, group, local=author.local)
    if post.group_id is None:
        post = await attach_to_group(conn, post, group)
    elif post.group_id != group.id:
        await record_share(conn, post, group, None)
    if top_level:  # the group's boost: a reblog in its members' home timelines
        await record_share(conn, post, group, None)
    if await already_announced(conn, group, rx.activity_uri):
        return f"already posted in {group.username}"
    await redistribute(
        conn, ctx.urls, group, rx.body,
        boost_object_uri=post.uri if top_level else None,
    )  # fmt: skip
    return f"posted in {group.username}"


async def handle(ctx: AppContext, rx: Received) -> str:
    obj = await trusted_object(ctx, rx)
    object_uri = check_post(obj, rx.actor_uri)
    author = await ensure_actor(ctx, rx.actor_uri)
    async with ctx.pool.acquire() as conn, conn.transaction():
        outcome = await store_and_share(conn, ctx, rx, obj, object_uri, author)
        post = await find_post(conn, object_uri)
        if post is not None:
            parent = await find_post(conn, post.in_reply_to_uri or "")
            await notify_mentions(conn, post.id, author.id, addressed_uris(obj),
                                  parent.author_id if parent else None)  # fmt: skip
    return outcome


async def store_and_share(
    conn: Conn, ctx: AppContext, rx: Received, obj: dict[str, Any], object_uri: str, author: Actor
) -> str:
    if await is_tombstoned(conn, object_uri):
        return "ignored: the post was deleted"
    groups = await groups_for(conn, ctx, rx, obj)
    outcomes = [await post_into_group(conn, ctx, rx, obj, author, g) for g in groups]
    if outcomes:
        return "; ".join(outcomes)
    if rx.via_group_uri is not None:
        return await store_from_remote_group(conn, ctx, rx, obj, author)
    if not await concerns_someone_here(conn, rx, obj, author):
        raise Refused("the post concerns no one here")
    await store_post(conn, obj, author, None, local=author.local)
    return "stored"


async def store_from_remote_group(
    conn: Conn, ctx: AppContext, rx: Received, obj: dict[str, Any], author: Actor
) -> str:
    assert rx.via_group_uri is not None
    group = await find_actor_by_uri(conn, rx.via_group_uri)
    assert group is not None
    post, _ = await store_post(conn, obj, author, group, local=False)
    await record_share(conn, post, group, rx.extra.get("announce_uri"))
    return f"stored from {group.handle}"
