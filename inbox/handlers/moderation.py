"""``Block`` (a ban from a group), ``Flag`` (a report), ``Add``/``Remove`` (pins, mods).

For our own groups these come from our own moderators (through our client API, verified as
``local``); from other servers we accept them only about their own groups.
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.membership import is_moderator, remove_follow
from community.posts import find_post
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of, ids_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Received
from outbox.redistribute import announce_wrapped

QC = load_queries("community")


async def may_moderate(conn: Conn, group: Actor, actor_uri: str) -> bool:
    """Moderators of our groups are our people; another server speaks only for its groups."""
    if not group.local:
        return group.uri == actor_uri or group.domain == (await _domain_of(conn, actor_uri))
    actor = await find_actor_by_uri(conn, actor_uri)
    return actor is not None and actor.local and await is_moderator(conn, group, actor)


async def _domain_of(conn: Conn, uri: str) -> str | None:
    actor = await find_actor_by_uri(conn, uri)
    return actor.domain if actor else None


async def handle_block(ctx: AppContext, rx: Received) -> str:
    target = rx.activity.get("target")
    if target is None:
        return "ignored: a person blocked someone (nothing for us to do)"
    banned = await ensure_actor(ctx, id_of(rx.object) or "")
    async with ctx.pool.acquire() as conn, conn.transaction():
        group = await find_actor_by_uri(conn, id_of(target) or "")
        if group is None or not group.is_group:
            raise Refused("a ban from a group we do not know")
        if not await may_moderate(conn, group, rx.actor_uri):
            raise Refused("only the group's moderators may ban")
        expires = rx.activity.get("endTime") or rx.activity.get("expires")
        await conn.execute(
            QC["insert_ban"], group.id, banned.id, str(rx.activity.get("summary") or ""),
            _parse_time(expires), rx.activity_uri,
        )  # fmt: skip
        await remove_follow(conn, banned.id, group.id)
        if group.local:
            await announce_wrapped(conn, ctx.urls, group, rx.body)
    return f"{banned.handle} banned from {group.handle}"


def _parse_time(value: Any) -> Any:
    from community.posts import parse_datetime

    return parse_datetime(value) if isinstance(value, str) else None


async def handle_flag(ctx: AppContext, rx: Received) -> str:
    targets = ids_of(rx.object)
    reporter = await ensure_actor(ctx, rx.actor_uri)
    async with ctx.pool.acquire() as conn:
        group = await _group_of_targets(conn, ctx, targets, rx.activity)
        if group is None:
            raise Refused("a report about nothing here")
        content = str(rx.activity.get("content") or rx.activity.get("summary") or "")[:5000]
        await conn.execute(
            QC["insert_report"], rx.activity_uri, reporter.id, group.id, targets, content
        )
    return f"report filed for {group.username}"


async def _group_of_targets(
    conn: Conn, ctx: AppContext, targets: list[str], activity: dict[str, Any]
) -> Actor | None:
    for uri in [
        *targets,
        id_of(activity.get("audience")) or "",
        id_of(activity.get("target")) or "",
    ]:
        if not uri or not ctx.urls.is_local(uri):
            continue
        post = await find_post(conn, uri)
        if post is not None and post.group_id is not None:
            return await find_actor_by_id(conn, post.group_id)
        actor = await find_actor_by_uri(conn, uri)
        if actor is not None and actor.is_group:
            return actor
    return None


async def handle_collection_change(ctx: AppContext, rx: Received) -> str:
    """``Add``/``Remove`` to a group's ``featured`` (pinning) from its moderators."""
    target_uri = id_of(rx.activity.get("target")) or ""
    async with ctx.pool.acquire() as conn, conn.transaction():
        group = await find_actor_by_uri(conn, target_uri.rsplit("/", 1)[0])
        if group is None or not group.is_group:
            raise Refused("a change to a collection we do not know")
        if not await may_moderate(conn, group, rx.actor_uri):
            raise Refused("only the group's moderators may change its collections")
        if target_uri != group.featured_uri:
            return "ignored: only pins are followed"
        pinned = rx.activity_type == "Add"
        await conn.execute(QC["set_pinned"], id_of(rx.object), pinned, group.id)
        if group.local:
            await announce_wrapped(conn, ctx.urls, group, rx.body)
    return "pinned" if pinned else "unpinned"
