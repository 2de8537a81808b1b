"""What crosses bridges between communities (issue 17, docs/bridges.md).

A bridge is one of our communities (the bridging one) following another (the source). Three
things cross it, all decided here and carried out by dispatch, the one place that announces:

* **Onward** (:func:`across_bridges`): a post, edit or deletion the source announced (an
  activity unwrapped from its ``Announce``) is announced again by each bridging community of
  ours, to its own members, with ``origin`` = the source; removals and deletions follow the
  posts carried.
* **Back** (also :func:`across_bridges`): a reply taken into a thread a community carries is
  announced to the thread's source community as well (``also_to``), which takes it because
  the bridging community vouches for it (:func:`admission`).
* **In**: a reply that reaches a source community directly but is addressed to a community
  bridging it waits for that community's announce (``defer``).

No loops and no duplicates, by origin and path, never by timing: a community carries a post
once (``bridged_posts``) and announces an activity once (:func:`community.posts
.already_announced`); a post never crosses back into the community it was posted in; what a
community already admitted is not judged again.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import orjson

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.bridges import (
    bridges_into_ours,
    bridging_groups,
    carriers_of,
    find_bridge,
    find_carried,
    follows_ours,
    may_cross,
    passes_filter,
    record_carried,
)
from community.context import AppContext
from community.membership import is_banned
from community.moderation import is_thread_locked
from community.posts import Post, already_announced, find_post, find_post_by_id, record_share
from community.storage.database import Conn
from federation.vocabulary import ASObject, parse_activity
from federation.vocabulary.base import id_of
from inbox.handlers.common import addressed_uris
from inbox.model import (
    Done,
    Enacted,
    Ignored,
    Received,
    Reported,
    Reshare,
    Several,
    Transaction,
    Unwrapped,
)
from outbox.bridges import source_of_carried

#: What a source's announce carries onward: posts, their edits and their deletions.
CARRIED_TYPES = frozenset({"Create", "Update", "Delete"})
Admission = Literal["admit", "defer"]
Acted = Done | Ignored | Reshare | Enacted | Reported | Several


async def across_bridges(ctx: AppContext, rx: Received, tx: Transaction, outcome: Acted) -> Acted:
    """``outcome``, and what our bridging communities announce of the same activity."""
    if rx.activity_type not in CARRIED_TYPES or isinstance(outcome, Reported):
        return outcome
    conn = await tx.begin()
    post = await find_post(conn, id_of(rx.object) or "")
    if post is None:
        return outcome
    outcome = await _back_to_sources(conn, rx, post, outcome)
    if rx.via_group_uri is None:
        return outcome
    source = await find_actor_by_uri(conn, rx.via_group_uri)
    if source is None or not source.is_group:
        return outcome
    onward = await _onward(conn, rx, post, source)
    if not onward:
        return outcome
    first = outcome.outcomes if isinstance(outcome, Several) else (outcome,)
    return Several((*first, *onward))


async def _onward(conn: Conn, rx: Received, post: Post, source: Actor) -> list[Reshare]:
    if rx.activity_type == "Create":
        return await _carry(conn, rx, post, source)
    found = []
    for carrier in await carriers_of(conn, post):
        if carrier.source_id != source.id or carrier.group.id == post.group_id:
            continue
        if await already_announced(conn, carrier.group, rx.activity_uri):
            continue
        unboost = post.uri if rx.activity_type == "Delete" and post.is_top_level else None
        note = f"{rx.activity_type.lower()} carried from {source.handle}"
        found.append(Reshare(carrier.group, note, unboost=unboost, origin=source.uri))
    return found


async def _carry(conn: Conn, rx: Received, post: Post, source: Actor) -> list[Reshare]:
    """Each of our communities bridging ``source`` carries the new post, once, if it may."""
    found = []
    for group, bridge in await bridging_groups(conn, source):
        if not await _may_carry(conn, group, post):
            continue
        root = await _carried_root(conn, group, post)
        if not passes_filter(bridge, post, root):
            continue
        if await already_announced(conn, group, rx.activity_uri):
            continue
        if not await record_carried(conn, group, post, source):
            continue  # it reached this community through another bridge already
        if post.is_top_level:
            await record_share(conn, post, group, None)
        boost = post.uri if post.is_top_level else None
        note = f"carried from {source.handle} into {group.username}"
        found.append(Reshare(group, note, boost=boost, origin=source.uri))
    return found


async def _may_carry(conn: Conn, group: Actor, post: Post) -> bool:
    """Origin checks: never back into the community it was posted in, nothing gone, nothing
    private, nothing by someone the community banned."""
    if post.group_id == group.id or _audience_of(post) == group.uri:
        return False
    if post.deleted_at is not None or not may_cross(post, group):
        return False
    author = await find_actor_by_id(conn, post.author_id)
    return author is not None and not await is_banned(conn, group, author)


def _audience_of(post: Post) -> str | None:
    return id_of(post.raw.get("audience"))


async def _carried_root(conn: Conn, group: Actor, post: Post) -> Post | None:
    """The first post of ``post``'s thread, when ``group`` carries it (or ``post`` itself)."""
    if post.is_top_level:
        return post
    root = await find_post_by_id(conn, post.root_id) if post.root_id else None
    if root is None:
        return None
    carried = await find_carried(conn, group, root)
    return root if carried is not None and carried["withdrawn_at"] is None else None


async def _back_to_sources(conn: Conn, rx: Received, post: Post, outcome: Acted) -> Acted:
    """A reply one of our communities took into a thread it carries goes to the thread's
    source community too."""
    if rx.activity_type != "Create" or post.is_top_level:
        return outcome
    if isinstance(outcome, Several):
        return Several(tuple([await _to_source(conn, rx, post, o) for o in outcome.outcomes]))
    return await _to_source(conn, rx, post, outcome)


async def _to_source(
    conn: Conn, rx: Received, post: Post, outcome: Any
) -> Done | Reshare | Enacted | Ignored:
    if not isinstance(outcome, Reshare) or not outcome.group.local:
        return outcome  # type: ignore[no-any-return]
    group = outcome.group
    root = await find_post_by_id(conn, post.root_id) if post.root_id else None
    source = await source_of_carried(conn, group, root) if root is not None else None
    if source is None or source.uri == rx.via_group_uri or source.id == group.id:
        return outcome
    if await find_bridge(conn, group, source) is None:
        return outcome  # the bridge was cut: nothing crosses it any more
    return dataclasses.replace(outcome, also_to=(source,))


async def admission(
    conn: Conn, group: Actor, rx: Received, obj: ASObject, author: Actor
) -> Admission | None:
    """Whether ``group`` takes a reply its own rules would refuse because of a bridge: it
    admits one a community bridging it announced (that community vouches for its member), and
    defers one addressed to such a community (its announce will come)."""
    parent_uri = id_of(obj.in_reply_to)
    if parent_uri is None or group.deleted_at is not None or await is_banned(conn, group, author):
        return None
    if await is_thread_locked(conn, parent_uri):
        return None  # a locked thread takes no more replies, bridged or not
    via = await find_actor_by_uri(conn, rx.via_group_uri) if rx.via_group_uri else None
    if via is not None and via.is_group and await follows_ours(conn, via, group):
        return "admit"
    for uri in addressed_uris(obj, rx.activity):
        other = await find_actor_by_uri(conn, uri.removesuffix("/followers"))
        if other is not None and other.is_group and await follows_ours(conn, other, group):
            return "defer"
    return None


async def admitted_already(conn: Conn, group: Actor, rx: Received) -> bool:
    """Whether ``group`` took this activity in before (it announced it): a copy that comes
    again, directly or over a bridge, is not judged again."""
    return await already_announced(conn, group, rx.activity_uri)


async def accepts_announces_of(conn: Conn, announcer: Actor) -> bool:
    """Whether we take ``announcer``'s announces because it bridges one of our communities
    (it sends the replies made on its side back to the source)."""
    return await bridges_into_ours(conn, announcer)


async def local_announce(ctx: AppContext, rx: Received) -> Done | Unwrapped:
    """One of our communities announced to our own actors. What it announced was handled when
    it took it in: when communities of ours bridge it, they carry it on (the handler does not
    run again); a reply it sends back to a community of ours it bridges is taken in there
    (the handler runs, and admits it through the bridge); else there is nothing to do."""
    inner = rx.object_json
    already = Done("our own group's announce: already stored")
    if not isinstance(inner, dict) or inner.get("type") not in CARRIED_TYPES:
        return already
    async with ctx.pool.acquire() as conn:
        announcer = await find_actor_by_uri(conn, rx.actor_uri)
        if announcer is None or not announcer.is_group:
            return already
        carried_on = bool(await bridging_groups(conn, announcer))
        sent_back = _is_reply(inner) and await bridges_into_ours(conn, announcer)
    if not carried_on and not sent_back:
        return already
    return Unwrapped(
        Received(
            activity=parse_activity(inner),
            body=orjson.dumps(inner).decode(),
            activity_uri=id_of(inner) or "",
            activity_type=str(inner["type"]),
            actor_uri=id_of(inner.get("actor")) or "",
            vouched_by=ctx.urls.domain,
            via_group_uri=announcer.uri,
            announce_uri=rx.activity_uri,
            local=True,
            handled_at_source=not sent_back,
        )
    )


def _is_reply(activity: dict[str, Any]) -> bool:
    obj = activity.get("object")
    return activity.get("type") == "Create" and isinstance(obj, dict) and bool(obj.get("inReplyTo"))
