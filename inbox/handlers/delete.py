"""``Delete``: an author deletes their post, an actor itself, or a moderator removes a post
(Lemmy's removal: a ``Delete`` by someone other than the author, the reason in ``summary``) or
the whole community.

An author's deletion of a post in one of our groups is withdrawn from its followers (a
:class:`~inbox.model.Reshare` with ``unboost``): FEP-1b12 followers get the ``Delete`` wrapped
in an ``Announce``; microblog followers an ``Undo`` of the group's boost of a thread. A
moderator's removal in one of our groups is their act (:mod:`inbox.handlers.acts`); in another
server's group we follow what that group vouches for. A ``Delete`` of something we do not have
leaves a tombstone, so a late ``Create`` stays dead.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, find_actor_by_uri, mark_remote_actor_deleted
from community.context import AppContext
from community.membership import remove_follows_of
from community.moderation import mark_removed
from community.posts import Post, delete_post, find_post, remember_deleted
from community.remote import authority_of
from community.storage.database import Conn
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.acts import reason_of, submit_received, vouched_by_group
from inbox.model import Done, Ignored, Outcome, Received, Reshare, Transaction


async def delete_actor(conn: Conn, rx: Received) -> Outcome:
    actor_id = await mark_remote_actor_deleted(conn, rx.actor_uri)
    if actor_id is None:
        return Ignored("an actor we do not know deleted itself")
    await remove_follows_of(conn, actor_id)
    return Done("actor deleted")


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    object_uri = id_of(rx.object)
    if not object_uri:
        raise Refused("the Delete has no object")
    if object_uri == rx.actor_uri:
        return await delete_actor(await tx.begin(), rx)
    async with ctx.pool.acquire() as reading:
        post = await find_post(reading, object_uri)
        target = None if post is not None else await find_actor_by_uri(reading, object_uri)
        author = await find_actor_by_id(reading, post.author_id) if post else None
        group = await find_actor_by_id(reading, post.group_id) if post and post.group_id else None
    if target is not None and target.is_group and target.local:
        return await submit_received(ctx, rx, tx, target, "delete_group", {})
    if post is None:
        if authority_of(object_uri) == authority_of(rx.actor_uri):
            await remember_deleted(await tx.begin(), object_uri, rx.actor_uri)
        return Ignored("a post we do not have (tombstone kept)")
    if author is not None and author.uri == rx.actor_uri:
        return await delete_by_author(await tx.begin(), rx, post, group)
    return await removal(ctx, rx, tx, post, group)


async def delete_by_author(conn: Conn, rx: Received, post: Post, group: Actor | None) -> Outcome:
    if post.deleted_at is None or post.removed_at is not None:
        await delete_post(conn, post, rx.actor_uri)
    if group is None:
        return Done("post deleted")
    unboost = post.uri if post.is_top_level else None
    return Reshare(group, f"post deleted from {group.username}", unboost=unboost)


async def removal(
    ctx: AppContext, rx: Received, tx: Transaction, post: Post, group: Actor | None
) -> Outcome:
    """Someone other than the author deletes a post: a moderator of its group removes it."""
    if group is None:
        raise Refused("only the author may delete a post in no group")
    if group.local:
        return await submit_received(ctx, rx, tx, group, "remove_post", {"post": post.uri})
    if not vouched_by_group(rx, group):
        raise Refused("only the author or the group's moderators may delete a post")
    await mark_removed(await tx.begin(), post, reason_of(rx))
    return Done(f"post removed by the moderators of {group.handle}")
