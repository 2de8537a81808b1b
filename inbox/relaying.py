"""What relays send us (issue 17, docs/bridges.md "Relays").

* Their answer to our instance actor's ``Follow`` (:func:`answer`): the subscription is
  accepted (publishing may start) or rejected. A LitePub relay answers as the actor we
  followed; a Mastodon-style relay's actor we learn from its answer (it must be on the host of
  the inbox we subscribed at).
* Their ``Follow`` of our instance actor (:func:`follow_back`): ActivityRelay follows its
  subscribers back (``relay/processors.py``, ``handle_follow``) and we accept.
* Their ``Announce`` of a post (:func:`discover`): the community it was posted in goes into
  the directory; the post goes into no one's timeline (a community that wants a relayed
  community's posts bridges it).
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor
from community.context import AppContext
from community.directory import record_discovered
from community.relays import Relay, answer_relay, find_relay_by_follow, relay_of
from community.remote import authority_of
from federation.errors import FetchError
from federation.vocabulary.base import id_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor, fetch_from_origin
from inbox.model import Done, Ignored, Outcome, Received, Transaction
from outbox.actions import respond

#: Activities a relay may announce whose object is the post.
WRAPPING = frozenset({"Create", "Announce", "Update"})


def _answers(relay: Relay, rx: Received) -> bool:
    """Only the relay answers for itself: its actor, or one on its inbox's host."""
    if relay.actor_uri is not None:
        return relay.actor_uri == rx.actor_uri
    return authority_of(rx.actor_uri) == authority_of(relay.inbox_uri)


async def answer(rx: Received, tx: Transaction, *, accepted: bool) -> Outcome | None:
    """A relay's ``Accept`` or ``Reject`` of our subscription (None: not about a relay)."""
    conn = await tx.begin()
    relay = await find_relay_by_follow(conn, id_of(rx.object) or "")
    if relay is None:
        return None
    if not _answers(relay, rx):
        raise Refused("only the relay may answer its subscription")
    await answer_relay(conn, relay, rx.actor_uri, accepted=accepted)
    return Done(f"relay {relay.url} {'accepted' if accepted else 'rejected'} our subscription")


async def follow_back(
    ctx: AppContext, rx: Received, tx: Transaction, follower: Actor, followee: Actor
) -> Outcome | None:
    """A relay we subscribe to follows our instance actor back: accepted (None: not one)."""
    if followee.type != "Application" or not followee.local:
        return None
    conn = await tx.begin()
    if await relay_of(conn, follower) is None:
        return None
    await respond(conn, ctx.urls, followee, "Accept", rx.json, follower)
    return Done(f"the relay {follower.uri} follows us back: accepted")


async def _post_of(ctx: AppContext, rx: Received) -> dict[str, Any]:
    """What the relay announced, from its origin (an activity: its object, one level)."""
    value = rx.object_json
    uri = id_of(value)
    if not uri or ctx.urls.is_local(uri):
        raise Refused("a relay announced nothing we need to look at")
    document = await fetch_from_origin(ctx, uri)
    if document.get("type") in WRAPPING:
        inner = id_of(document.get("object"))
        if inner and authority_of(inner) != ctx.urls.domain:
            document = await fetch_from_origin(ctx, inner)
    return document


async def _members(ctx: AppContext, group: Actor) -> int | None:
    """A community's member count, as its followers collection says (when it says)."""
    if not group.followers_uri:
        return None
    try:
        document = await ctx.remote.fetcher.fetch_document(group.followers_uri)
    except FetchError:
        return None
    total = document.json.get("totalItems")
    return total if isinstance(total, int) and total >= 0 else None


async def discover(ctx: AppContext, rx: Received, tx: Transaction, relay: Relay) -> Outcome:
    """A relay's announce: the community of what it announced joins the directory."""
    if not relay.accepted:
        raise Refused("an Announce from a relay that has not accepted us")
    document = await _post_of(ctx, rx)
    group_uri = document.get("id") if document.get("type") == "Group" else None
    group_uri = group_uri or id_of(document.get("audience"))
    if not group_uri or ctx.urls.is_local(group_uri):
        return Ignored("the relayed post is in no community of another server")
    group = await ensure_actor(ctx, group_uri)
    if not group.is_group:
        return Ignored("the relayed post's audience is not a community")
    members = await _members(ctx, group)
    await record_discovered(await tx.begin(), group, "relay", members)
    return Done(f"discovered {group.handle} through the relay {relay.url}")
