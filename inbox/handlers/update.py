"""``Update``: an author edits their post, or an actor its profile. Only the author may.

An edit of a post in one of our groups is re-shared to its followers (a
:class:`~inbox.model.Reshare`). An edit keeps the version it replaces (the post's history); an
``Update`` of a ``Question`` that changes only its counts is a poll's new results, not an edit
(:func:`community.posts.update_post`).
"""

from __future__ import annotations

from community.actors import find_actor_by_id
from community.context import AppContext
from community.posts import find_post, update_post
from community.remote import store_actor_document
from federation.vocabulary import ASObject
from federation.vocabulary.actors import ACTOR_TYPES
from inbox.errors import Refused, Transient
from inbox.handlers.common import trusted_object
from inbox.handlers.create import check_post
from inbox.model import Done, Outcome, Received, Reshare, Transaction, json_of


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    obj = await trusted_object(ctx, rx)
    if isinstance(obj.type, str) and obj.type in ACTOR_TYPES:
        return await update_actor(rx, obj, tx)
    object_uri = check_post(obj, rx.actor_uri)
    conn = await tx.begin()
    post = await find_post(conn, object_uri)
    if post is None and rx.attempts < 3:
        raise Transient("an update of a post we do not have (yet)")
    if post is None or post.deleted_at is not None:
        raise Refused("an update of a post we do not have")
    author = await find_actor_by_id(conn, post.author_id)
    if author is None or author.uri != rx.actor_uri:
        raise Refused("only the author may update a post")
    await update_post(conn, post, json_of(obj))
    group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
    if group is None:
        return Done("post updated")
    return Reshare(group, f"post updated in {group.username}")


async def update_actor(rx: Received, obj: ASObject, tx: Transaction) -> Outcome:
    if obj.id != rx.actor_uri:
        raise Refused("an actor may update only itself")
    if rx.local:
        return Done("our own actor's profile: already stored")
    await store_actor_document(await tx.begin(), json_of(obj), rx.actor_uri)
    return Done("actor updated")
