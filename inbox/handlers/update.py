"""``Update``: an author edits their post, or an actor its profile. Only the author may."""

from __future__ import annotations

from community.actors import find_actor_by_id
from community.context import AppContext
from community.posts import find_post, update_post
from community.remote import store_actor_document
from federation.vocabulary.actors import ACTOR_TYPES
from federation.vocabulary.base import id_of
from inbox.errors import Refused, Transient
from inbox.handlers.common import trusted_object
from inbox.handlers.create import check_post
from inbox.model import Received
from outbox.redistribute import announce_wrapped


async def handle(ctx: AppContext, rx: Received) -> str:
    obj = await trusted_object(ctx, rx)
    kinds = obj.get("type")
    if isinstance(kinds, str) and kinds in ACTOR_TYPES:
        if id_of(obj) != rx.actor_uri:
            raise Refused("an actor may update only itself")
        if rx.local:
            return "our own actor's profile: already stored"
        async with ctx.pool.acquire() as conn:
            await store_actor_document(conn, obj, rx.actor_uri)
        return "actor updated"
    object_uri = check_post(obj, rx.actor_uri)
    async with ctx.pool.acquire() as conn, conn.transaction():
        post = await find_post(conn, object_uri)
        if post is None and rx.attempts < 3:
            raise Transient("an update of a post we do not have (yet)")
        if post is None or post.deleted_at is not None:
            raise Refused("an update of a post we do not have")
        author = await find_actor_by_id(conn, post.author_id)
        if author is None or author.uri != rx.actor_uri:
            raise Refused("only the author may update a post")
        await update_post(conn, post, obj)
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        if group is not None and group.local:
            await announce_wrapped(conn, ctx.urls, group, rx.body)
            return f"post updated in {group.username}"
    return "post updated"
