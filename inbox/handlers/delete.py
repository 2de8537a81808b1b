"""``Delete``: an author deletes their post, or an actor itself. Only the author may.

A post in one of our groups is withdrawn from its followers (a :class:`~inbox.model.Reshare`
with ``unboost``): FEP-1b12 followers get the ``Delete`` wrapped in an ``Announce``; microblog
followers an ``Undo`` of the group's boost of a thread. A ``Delete`` of something we do not
have leaves a tombstone, so a late ``Create`` stays dead.
"""

from __future__ import annotations

from community.actors import find_actor_by_id, mark_remote_actor_deleted
from community.context import AppContext
from community.membership import remove_follows_of
from community.posts import delete_post, find_post, remember_deleted
from community.remote import authority_of
from community.storage.database import Conn
from federation.vocabulary.base import id_of
from inbox.errors import Refused
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
    conn = await tx.begin()
    if object_uri == rx.actor_uri:
        return await delete_actor(conn, rx)
    post = await find_post(conn, object_uri)
    if post is None:
        if authority_of(object_uri) == authority_of(rx.actor_uri):
            await remember_deleted(conn, object_uri, rx.actor_uri)
        return Ignored("a post we do not have (tombstone kept)")
    author = await find_actor_by_id(conn, post.author_id)
    if author is None or author.uri != rx.actor_uri:
        raise Refused("only the author may delete a post")
    if post.deleted_at is None:
        await delete_post(conn, post, rx.actor_uri)
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    if group is None:
        return Done("post deleted")
    unboost = post.uri if post.is_top_level else None
    return Reshare(group, f"post deleted from {group.username}", unboost=unboost)
