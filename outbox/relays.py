"""The instance's relay subscriptions, and what our communities publish to them (issue 17).

:func:`subscribe` makes our instance actor follow a relay: a LitePub relay (ActivityRelay,
Pleroma's relay, AodeRelay…) at its actor; a Mastodon-style relay at its inbox, with a
``Follow`` of ``as:Public`` (Mastodon's ``app/models/relay.rb`` sends exactly that). Which one a
URL is, we learn by fetching it: an actor document served at its own id is a LitePub relay's
actor; anything else is taken for an inbox. ActivityRelay accepts both
(``relay/processors.py``, ``handle_follow``: it reads only who follows).

:func:`publish_to_relays` is called when a community boosts a new thread: an opted-in, listed
community's own public posts go to every relay that accepted us, as the ``Announce`` of the
object that LitePub relays re-announce by id (ActivityRelay's ``handle_relay``). Relays take
posts only from their subscribers' shared inboxes, and our communities share the instance's.
"""

from __future__ import annotations

from community.actors import Actor, ensure_instance_actor
from community.context import AppContext
from community.errors import InvalidInput
from community.posts import find_post
from community.relays import (
    Relay,
    accepted_relay_inboxes,
    delete_relay,
    find_relay,
    publishes_to_relays,
    upsert_relay,
)
from community.remote import InvalidActor
from community.storage.database import Conn
from community.urls import Urls
from federation.errors import FetchError
from outbox.activities.bridges import build_relay_follow, build_relay_unfollow
from outbox.send import Audience, Outgoing, send

RELAY_TYPES = frozenset({"Application", "Service", "Group", "Person", "Organization"})


def _check_url(url: str) -> str:
    if not url.startswith(("https://", "http://")) or len(url) > 2000:
        raise InvalidInput(f"{url!r} is not a relay's URL (its actor or its inbox)")
    return url


async def relay_actor_at(ctx: AppContext, url: str) -> Actor | None:
    """The relay's actor when ``url`` is one (served at its own id); None for an inbox."""
    try:
        actor = await ctx.remote.get_actor(url)
    except (FetchError, InvalidActor):
        return None
    if actor.uri != url or actor.type not in RELAY_TYPES or actor.local:
        return None  # an inbox (ActivityRelay serves its actor at its inbox too)
    return actor


async def subscribe(ctx: AppContext, url: str) -> Relay:
    """Our instance actor follows the relay at ``url`` (pending until it accepts)."""
    url = _check_url(url)
    if ctx.urls.is_local(url):
        raise InvalidInput("a relay is another server")
    actor = await relay_actor_at(ctx, url)
    async with ctx.pool.acquire() as conn, conn.transaction():
        instance = await ensure_instance_actor(conn, ctx.urls)
        follow = build_relay_follow(ctx.urls, instance, actor.uri if actor else None)
        if actor is not None:
            inbox = actor.shared_inbox_uri or actor.inbox_uri or url
            relay = await upsert_relay(conn, url, inbox, actor.uri, "litepub", str(follow["id"]))
        else:
            relay = await upsert_relay(conn, url, url, None, "mastodon", str(follow["id"]))
        audience = Audience(inboxes=(relay.inbox_uri,), listed=False)
        await send(conn, instance, Outgoing.of(follow), audience)
    return relay


async def unsubscribe(conn: Conn, urls: Urls, url: str) -> Relay:
    """Our instance actor leaves the relay (``Undo{Follow}``); nothing is published to it."""
    async with conn.transaction():
        relay = await find_relay(conn, url)
        if relay is None:
            raise InvalidInput(f"no relay {url} here")
        instance = await ensure_instance_actor(conn, urls)
        undo = build_relay_unfollow(urls, instance, relay.follow_uri, relay.actor_uri)
        await delete_relay(conn, relay)
        audience = Audience(inboxes=(relay.inbox_uri,), listed=False)
        await send(conn, instance, Outgoing.of(undo), audience)
    return relay


async def publish_to_relays(conn: Conn, group: Actor, boost: Outgoing, object_uri: str) -> int:
    """``group``'s boost of ``object_uri`` to the relays, when it publishes there; the
    number of deliveries queued."""
    post = await find_post(conn, object_uri)
    if post is None or not await publishes_to_relays(conn, group, post):
        return 0
    inboxes = tuple(await accepted_relay_inboxes(conn))
    if not inboxes:
        return 0
    return await send(conn, group, boost, Audience(inboxes=inboxes, listed=False, form="boost"))
