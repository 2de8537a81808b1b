"""``approve_post`` / ``reject_post`` ``{post}``: a post held by pre-moderation (no quorum).

Approved, it is stored and announced as any post is (the FEP-1b12 ``Announce`` of its author's
``Create``, byte-exact, and the boost of a thread), and our replies that waited for it join the
group with it, announced (:mod:`outbox.waiting`); rejected, it never appears, its author gets
the group's ``Reject`` whose ``object`` is their ``Create``, the reason in ``summary``, and our
replies that waited for it are refused.
On the log: the moderator's ``Accept`` / ``Reject`` of the post, named by id and type.
"""

from __future__ import annotations

from typing import Any

import orjson

from community.actors import Actor, find_actor_by_id
from community.moderation import HeldPost, find_held_post, release_held_post
from community.posts import admit_to_group
from community.storage.database import Conn
from community.urls import Urls
from federation.vocabulary import parse_object
from outbox.activities import build_response
from outbox.activities.base import activity, now_iso
from outbox.activities.governance import in_group
from outbox.errors import ActRefused
from outbox.governance.kinds.common import param
from outbox.governance.model import Act, Applying, Distribution, Kind, Wrapped
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing
from outbox.waiting import lock_thread, refuse_waiting, take_in_waiting


async def held_named(conn: Conn, act: Act) -> HeldPost:
    uri = str(param(act, "post"))
    held = await find_held_post(conn, act.group, uri)
    if held is None:
        raise ActRefused("not_found", f"no post {uri} waits in {act.group.handle}")
    return held


def named(held: HeldPost) -> dict[str, Any]:
    """The held post by id and type (never its title or content: a rejected post is never
    shown, and a comment's title is its first line)."""
    obj = parse_object(held.object)
    kind = obj.type_names()[0] if obj.type_names() else "Note"
    return {"id": held.object_uri, "type": kind}


async def _author(conn: Conn, held: HeldPost) -> Actor:
    author = await find_actor_by_id(conn, held.author_id)
    assert author is not None
    return author


async def build_decision(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    held = await held_named(conn, act)
    kind = "Accept" if act.kind == "approve_post" else "Reject"
    decision = activity(urls, kind, act.by.uri, named(held), **in_group(act.group))
    decision["published"] = now_iso()
    if act.reason:
        decision["summary"] = act.reason
    return decision


async def apply_approve(applying: Applying) -> Distribution:
    conn, group = applying.conn, applying.act.group
    held = await held_named(conn, applying.act)
    await lock_thread(conn, held.object_uri)  # a reply waiting for it takes its turn
    post = await admit_to_group(conn, held.object, await _author(conn, held), group)
    await release_held_post(conn, held)
    joined = tuple(await take_in_waiting(conn, applying.urls, group, post))
    boost = (post.uri,) if post.is_top_level else ()
    wrapped = Wrapped(held.activity_body, held.activity_uri)
    return Distribution(wrapped=wrapped, boost=boost, joined=joined)


async def apply_reject(applying: Applying) -> Distribution:
    conn, act = applying.conn, applying.act
    held = await held_named(conn, act)
    author = await _author(conn, held)
    ours = await lock_thread(conn, held.object_uri)  # a reply waiting for it takes its turn
    await release_held_post(conn, held)
    if ours is not None and ours.local:
        await refuse_waiting(conn, applying.urls, act.group, ours)
    if author.local:  # their own server is this one: nothing to tell it
        return Distribution(wrap=False)
    create = orjson.loads(held.activity_body)
    reject = build_response(applying.urls, act.group, "Reject", create, author.uri, act.reason)
    to_author = Audience(actors=(author,), listed=False)
    return Distribution(wrap=False, sends=((Outgoing.of(reject), to_author),))


APPROVE_POST = register(Kind("approve_post", False, build_decision, apply_approve))
REJECT_POST = register(Kind("reject_post", False, build_decision, apply_reject))
