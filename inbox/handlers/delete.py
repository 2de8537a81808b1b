"""``Delete``: an author deletes their post, or an actor itself. Only the author may.

A post in one of our groups is withdrawn from its followers: FEP-1b12 followers get the
``Delete`` wrapped in an ``Announce``; microblog followers an ``Undo`` of the group's boost.
A ``Delete`` of something we do not have leaves a tombstone, so a late ``Create`` stays dead.
"""

from __future__ import annotations

from community.actors import find_actor_by_id
from community.context import AppContext
from community.posts import already_announced, delete_post, find_post, remember_deleted
from community.remote import authority_of
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.model import Received
from outbox.redistribute import announce_wrapped, undo_boost

QC = load_queries("community")


async def delete_actor(conn: Conn, rx: Received) -> str:
    actor_id = await conn.fetchval(QC["mark_actor_deleted"], rx.actor_uri)
    if actor_id is None:
        return "ignored: an actor we do not know deleted itself"
    await conn.execute(QC["delete_follows_of_actor"], actor_id)
    return "actor deleted"


async def handle(ctx: AppContext, rx: Received) -> str:
    object_uri = id_of(rx.object)
    if not object_uri:
        raise Refused("the Delete has no object")
    async with ctx.pool.acquire() as conn, conn.transaction():
        if object_uri == rx.actor_uri:
            return await delete_actor(conn, rx)
        post = await find_post(conn, object_uri)
        if post is None:
            if authority_of(object_uri) == authority_of(rx.actor_uri):
                await remember_deleted(conn, object_uri, rx.actor_uri)
            return "ignored: a post we do not have (tombstone kept)"
        author = await find_actor_by_id(conn, post.author_id)
        if author is None or author.uri != rx.actor_uri:
            raise Refused("only the author may delete a post")
        if post.deleted_at is None:
            await delete_post(conn, post, rx.actor_uri)
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        if group is None or not group.local:
            return "post deleted"
        if await already_announced(conn, group, rx.activity_uri):
            return "already deleted"
        await announce_wrapped(conn, ctx.urls, group, rx.body)
        if post.is_top_level:
            await undo_boost(conn, ctx.urls, group, post.uri)
    return f"post deleted from {group.username}"
