"""``Announce``: a group we follow (a Lemmy community, a group on another server) shares.

Both forms are understood: FEP-1b12's ``Announce{activity}`` is unwrapped, and dispatch
handles the inner activity as if its author had sent it (an :class:`~inbox.model.Unwrapped`
outcome); the microblog ``Announce{object}`` stores the object. Whatever is embedded from
another origin is checked against that origin: the inner activity is re-fetched from its id
(a ``Delete`` is believed when its object is gone). A post is stored once however many groups
share it; each share is recorded.
"""

from __future__ import annotations

from typing import Any

import orjson

from community.activities import find_activity
from community.actors import find_actor_by_uri
from community.context import AppContext
from community.membership import is_followed_here, is_moderated_here, is_moderator
from community.notifications import notify
from community.posts import find_post, record_share, store_post
from community.relays import relay_of
from community.remote import authority_of
from federation.errors import Gone, NotFound
from federation.vocabulary import ASObject, parse_activity
from federation.vocabulary.base import id_of
from inbox.bridging import accepts_announces_of, local_announce
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor, fetch_from_origin, trusted_object
from inbox.handlers.create import check_post
from inbox.model import Done, Outcome, Received, Transaction, Unwrapped, json_of
from inbox.relaying import discover

INNER_TYPES = frozenset(
    {
        "Create",
        "Update",
        "Delete",
        "Like",
        "Dislike",
        "Undo",
        "Remove",
        "Add",
        "Block",
        "Lock",
        "Flag",
    }
)
#: What a group's moderators do in it: the group's announce vouches for their acts.
MODERATION_TYPES = frozenset({"Delete", "Undo", "Remove", "Add", "Block", "Lock", "Update"})


async def vouch_inner(
    ctx: AppContext, rx: Received, inner: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """The inner activity as its origin vouches for it, and that origin."""
    inner_uri = id_of(inner)
    actor_uri = id_of(inner.get("actor"))
    if not inner_uri or not actor_uri or authority_of(inner_uri) != authority_of(actor_uri):
        raise Refused("the wrapped activity's id and actor are on different hosts")
    if authority_of(inner_uri) == rx.vouched_by:
        return inner, rx.vouched_by
    if ctx.urls.is_local(inner_uri):
        # one of our own activities, shared back to us: our copy is the truth
        async with ctx.pool.acquire() as conn:
            ours = await find_activity(conn, inner_uri)
        if ours is None:
            raise Refused("a wrapped activity claiming to be ours that we never sent")
        return ours.json(), ctx.urls.domain
    if await vouched_as_moderation(ctx, rx, inner, actor_uri):
        return inner, rx.vouched_by
    if inner.get("type") == "Delete":
        return inner, await vouch_deletion(ctx, id_of(inner.get("object")) or "")
    fetched = await fetch_from_origin(ctx, inner_uri)
    if fetched.get("type") != inner.get("type") or id_of(fetched.get("actor")) != actor_uri:
        raise Refused("the wrapped activity differs from what its origin serves")
    return fetched, authority_of(inner_uri)


async def vouched_as_moderation(
    ctx: AppContext, rx: Received, inner: dict[str, Any], actor_uri: str
) -> bool:
    """A group vouches for its moderators' acts in it (as Lemmy verifies a moderator's act
    announced by its community), and for the reports it forwards to its moderators."""
    if inner.get("type") == "Flag":
        return True
    if inner.get("type") not in MODERATION_TYPES:
        return False
    async with ctx.pool.acquire() as conn:
        group = await find_actor_by_uri(conn, rx.actor_uri)
        actor = await find_actor_by_uri(conn, actor_uri)
        return (
            group is not None
            and actor is not None
            and group.is_group
            and await is_moderator(conn, group, actor)
        )


async def vouch_deletion(ctx: AppContext, object_uri: str) -> str:
    try:
        document = await ctx.remote.fetcher.fetch_document(object_uri)
    except (Gone, NotFound):
        return authority_of(object_uri)
    if document.json.get("type") == "Tombstone":
        return authority_of(object_uri)
    raise Refused("the wrapped Delete's object still exists at its origin")


async def unwrap(ctx: AppContext, rx: Received, inner: dict[str, Any], kind: str) -> Received:
    """The wrapped activity, vouched for, as dispatch handles it (``via_group_uri`` set)."""
    trusted, origin = await vouch_inner(ctx, rx, inner)
    return Received(
        activity=parse_activity(trusted),
        body=orjson.dumps(trusted).decode(),
        activity_uri=id_of(trusted) or "",
        activity_type=kind,
        actor_uri=id_of(trusted.get("actor")) or "",
        vouched_by=origin,
        via_group_uri=rx.actor_uri,
        announce_uri=rx.activity_uri,
    )


async def handle_boost(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    obj = await trusted_object(ctx, rx)
    author_uri = id_of(obj.attributed_to) or ""
    check_post(obj, author_uri)
    author = await ensure_actor(ctx, author_uri)
    conn = await tx.begin()
    group = await find_actor_by_uri(conn, rx.actor_uri)
    assert group is not None
    post = await find_post(conn, obj.id or "")
    if post is None:
        in_group = group if group.is_group else None
        post, _ = await store_post(conn, json_of(obj), author, in_group, local=False)
    await record_share(conn, post, group, rx.activity_uri)
    await notify(conn, post.author_id, "reblog", group.id, post.id)
    return Done(f"shared by {group.handle}")


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    if rx.local:
        return await local_announce(ctx, rx)
    announcer = await ensure_actor(ctx, rx.actor_uri)
    async with ctx.pool.acquire() as conn:
        relay = await relay_of(conn, announcer)
        followed = await is_followed_here(conn, announcer)
        moderated = announcer.is_group and await is_moderated_here(conn, announcer)
        bridging = await accepts_announces_of(conn, announcer)
    if relay is not None:  # what relays announce feeds the directory, no one's timeline
        return await discover(ctx, rx, tx, relay)
    if not followed and not moderated and not bridging:
        raise Refused("an Announce from someone no one here follows")
    inner, kind = rx.object_json, rx.object.type if isinstance(rx.object, ASObject) else None
    if isinstance(inner, dict) and isinstance(kind, str) and kind in INNER_TYPES:
        return Unwrapped(await unwrap(ctx, rx, inner, kind))
    return await handle_boost(ctx, rx, tx)
