"""``Block`` (a ban from a group), ``Flag`` (a report), ``Add``/``Remove`` (pins, mods).

For our own groups these come from our own moderators (through our client API, verified as
``local``); from other servers we accept them only about their own groups. A ban or a pin in
one of our groups is re-shared to its followers (a :class:`~inbox.model.Reshare`).
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import is_moderator, record_ban, remove_follow
from community.posts import file_report, find_post, parse_datetime, set_pinned
from community.storage.database import Conn
from federation.vocabulary.base import id_of, ids_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Ignored, Outcome, Received, Reshare, Transaction


async def may_moderate(conn: Conn, group: Actor, actor_uri: str) -> bool:
    """Moderators of our groups are our people; another server speaks only for its groups."""
    if not group.local:
        return group.uri == actor_uri or group.domain == (await _domain_of(conn, actor_uri))
    actor = await find_actor_by_uri(conn, actor_uri)
    return actor is not None and actor.local and await is_moderator(conn, group, actor)


async def _domain_of(conn: Conn, uri: str) -> str | None:
    actor = await find_actor_by_uri(conn, uri)
    return actor.domain if actor else None


async def handle_block(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    target = rx.activity.target
    if target is None:
        return Ignored("a person blocked someone (nothing for us to do)")
    banned = await ensure_actor(ctx, id_of(rx.object) or "")
    conn = await tx.begin()
    group = await find_actor_by_uri(conn, id_of(target) or "")
    if group is None or not group.is_group:
        raise Refused("a ban from a group we do not know")
    if not await may_moderate(conn, group, rx.actor_uri):
        raise Refused("only the group's moderators may ban")
    expires = rx.json.get("endTime") or rx.json.get("expires")
    expires_at = parse_datetime(expires) if isinstance(expires, str) else None
    reason = str(rx.activity.summary or "")
    await record_ban(conn, group, banned, reason, expires_at, rx.activity_uri)
    await remove_follow(conn, banned.id, group.id)
    return Reshare(group, f"{banned.handle} banned from {group.handle}")


async def handle_flag(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    targets = ids_of(rx.activity.object)
    reporter = await ensure_actor(ctx, rx.actor_uri)
    conn = await tx.begin()
    group = await _group_of_targets(conn, ctx, [*targets, *_context_of(rx)])
    if group is None:
        raise Refused("a report about nothing here")
    content = str(rx.activity.content or rx.activity.summary or "")[:5000]
    await file_report(conn, rx.activity_uri, reporter, group, targets, content)
    return Done(f"report filed for {group.username}")


def _context_of(rx: Received) -> list[str]:
    return [id_of(rx.activity.audience) or "", id_of(rx.activity.target) or ""]


async def _group_of_targets(conn: Conn, ctx: AppContext, uris: list[str]) -> Actor | None:
    for uri in uris:
        if not uri or not ctx.urls.is_local(uri):
            continue
        post = await find_post(conn, uri)
        if post is not None and post.group_id is not None:
            return await find_actor_by_id(conn, post.group_id)
        actor = await find_actor_by_uri(conn, uri)
        if actor is not None and actor.is_group:
            return actor
    return None


async def handle_collection_change(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    """``Add``/``Remove`` to a group's ``featured`` (pinning) from its moderators."""
    target_uri = id_of(rx.activity.target) or ""
    conn = await tx.begin()
    group = await find_actor_by_uri(conn, target_uri.rsplit("/", 1)[0])
    if group is None or not group.is_group:
        raise Refused("a change to a collection we do not know")
    if not await may_moderate(conn, group, rx.actor_uri):
        raise Refused("only the group's moderators may change its collections")
    if target_uri != group.featured_uri:
        return Ignored("only pins are followed")
    pinned = rx.activity_type == "Add"
    await set_pinned(conn, id_of(rx.object) or "", group, pinned)
    return Reshare(group, "pinned" if pinned else "unpinned")
