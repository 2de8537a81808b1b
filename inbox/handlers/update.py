"""``Update``: an author edits their post, an actor its profile, or a moderator the group's
profile and rules (Lemmy's ``Update`` of the community by a moderator).

An edit of a post in one of our groups is re-shared to its followers (a
:class:`~inbox.model.Reshare`). A moderator's ``Update`` of one of our groups is read as the
acts it amounts to (a title or description: ``edit_profile``; ``postingRestrictedToMods``:
``set_posting``; ``manuallyApprovesFollowers``: ``set_closed``; our ``visibility``:
``set_visibility``), each submitted as that
moderator's (:mod:`inbox.handlers.acts`). Another server's group, announcing its moderator's
``Update`` of it, is refreshed from what it vouches. An edit keeps the version it
replaces (the post's history); an ``Update`` of a ``Question`` that changes only its counts is
a poll's new results, not an edit (:func:`community.posts.update_post`).
"""

from __future__ import annotations

from typing import Any

from community.actors import COMMUNITY_VISIBILITIES, Actor, find_actor_by_id, find_actor_by_uri
from community.audience import group_visibility
from community.context import AppContext
from community.html import sanitize_html
from community.posts import find_post, update_post
from community.remote import store_actor_document
from federation.vocabulary import ASObject
from federation.vocabulary.actors import ACTOR_TYPES
from federation.vocabulary.base import id_of
from inbox.errors import Refused, Transient
from inbox.handlers.acts import submit_received
from inbox.handlers.common import trusted_object
from inbox.handlers.create import check_post
from inbox.model import (
    Done,
    Enacted,
    Ignored,
    Outcome,
    Received,
    Reshare,
    Several,
    Transaction,
    json_of,
)


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    group = await _our_group(ctx, id_of(rx.object))
    if group is not None:
        return await update_our_group(ctx, rx, tx, group)
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


async def _our_group(ctx: AppContext, uri: str | None) -> Actor | None:
    if not uri or not ctx.urls.is_local(uri):
        return None
    async with ctx.pool.acquire() as reading:
        found = await find_actor_by_uri(reading, uri)
    return found if found is not None and found.is_group else None


def acts_of(group: Actor, proposed: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The acts a moderator's ``Update`` of the group amounts to (what differs from now)."""
    acts: list[tuple[str, dict[str, Any]]] = []
    profile: dict[str, Any] = {}
    if isinstance(proposed.get("name"), str) and proposed["name"] != group.name:
        profile["title"] = proposed["name"]
    summary = proposed.get("summary")
    if isinstance(summary, str) and sanitize_html(summary) != group.summary:
        profile["summary"] = summary
    if profile:
        acts.append(("edit_profile", profile))
    restricted = proposed.get("postingRestrictedToMods")
    if isinstance(restricted, bool) and restricted != (group.posting_policy == "moderators"):
        acts.append(("set_posting", {"posting": "moderators" if restricted else "members"}))
    visibility = proposed.get("visibility")
    if visibility in COMMUNITY_VISIBILITIES and visibility != group_visibility(group):
        acts.append(("set_visibility", {"visibility": visibility}))
        if visibility == "private":  # a private community is closed: that act closes it
            return acts
    closed = proposed.get("manuallyApprovesFollowers")
    if isinstance(closed, bool) and closed != group.manually_approves_followers:
        acts.append(("set_closed", {"closed": closed}))
    return acts


async def update_our_group(ctx: AppContext, rx: Received, tx: Transaction, group: Actor) -> Outcome:
    """A moderator (on their own server) changes one of our groups."""
    if rx.local:
        return Done("our own group's profile: already stored")
    proposed = rx.object_json
    if not isinstance(proposed, dict):
        raise Refused("an update of a group must embed the group")
    outcomes: list[Done | Enacted] = []
    for kind, params in acts_of(group, proposed):
        outcomes.append(await submit_received(ctx, rx, tx, group, kind, params))
    if not outcomes:
        return Ignored("the update changes nothing we keep")
    return outcomes[0] if len(outcomes) == 1 else Several(tuple(outcomes))


async def update_actor(rx: Received, obj: ASObject, tx: Transaction) -> Outcome:
    """An actor updates itself; a group's moderator updates the group, which vouches for it
    by announcing the update (FEP-1b12)."""
    if obj.id != rx.actor_uri and obj.id != rx.via_group_uri:
        raise Refused("an actor may update only itself")
    if rx.local:
        return Done("our own actor's profile: already stored")
    assert obj.id is not None
    await store_actor_document(await tx.begin(), json_of(obj), obj.id)
    return Done("actor updated")
