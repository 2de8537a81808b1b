"""``Block`` (a ban from a group), ``Lock`` (a thread takes no more replies), ``Add`` /
``Remove`` (pins, and the team of moderators), ``Flag`` (a report).

On one of our groups these are a moderator's acts (:func:`inbox.handlers.acts.submit_received`:
applied and distributed, proposed, or refused when the actor is not one of its moderators);
on another server's group we follow what that group vouches for. A report reaches the group's
moderators: ours as a notification, and (a :class:`~inbox.model.Reported`) those on other
servers through the group's forward.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_id, find_actor_by_uri
from community.context import AppContext
from community.governance import add_moderator, remove_moderator
from community.membership import (
    find_group_by_collection,
    is_moderated_here,
    record_ban,
    remove_follow,
)
from community.moderation import set_locked
from community.posts import find_post, parse_datetime, set_pinned
from community.storage.database import Conn
from federation.vocabulary.base import id_of, ids_of
from inbox.errors import Refused
from inbox.handlers.acts import reason_of, submit_received, vouched_by_group
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Ignored, Outcome, Received, Reported, Transaction
from outbox.reports import take_report


async def handle_block(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    target = id_of(rx.activity.target)
    if target is None:
        return Ignored("a person blocked someone (nothing for us to do)")
    banned = await ensure_actor(ctx, id_of(rx.object) or "")
    async with ctx.pool.acquire() as reading:
        group = await find_actor_by_uri(reading, target)
    if group is None or not group.is_group:
        raise Refused("a ban from a group we do not know")
    until = rx.json.get("endTime") or rx.json.get("expires")
    if group.local:
        params = {
            "person": banned.uri,
            "until": until if isinstance(until, str) else None,
            "remove_data": bool(rx.json.get("removeData")),
        }
        return await submit_received(ctx, rx, tx, group, "ban", params)
    if not vouched_by_group(rx, group):
        raise Refused("only the group's moderators may ban")
    conn = await tx.begin()
    expires_at = parse_datetime(until) if isinstance(until, str) else None
    await record_ban(conn, group, banned, reason_of(rx), expires_at, rx.activity_uri)
    await remove_follow(conn, banned.id, group.id)
    return Done(f"{banned.handle} banned from {group.handle}")


async def handle_lock(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    """Lemmy's ``Lock`` of a post (``Undo{Lock}`` is :mod:`inbox.handlers.undo`'s)."""
    conn = await tx.begin()
    post = await find_post(conn, id_of(rx.object) or "")
    group = await find_actor_by_id(conn, post.group_id) if post and post.group_id else None
    if post is None or group is None:
        return Ignored("a lock of a post in no group we know")
    if group.local:
        return await submit_received(ctx, rx, tx, group, "lock", {"post": post.uri})
    if not vouched_by_group(rx, group):
        raise Refused("only the group's moderators may lock its threads")
    await set_locked(conn, post, True)
    return Done(f"thread locked in {group.handle}")


async def handle_collection_change(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    """``Add`` / ``Remove`` to a group's ``featured`` (pins) or moderators collection."""
    target_uri = id_of(rx.activity.target) or ""
    object_uri = id_of(rx.object) or ""
    async with ctx.pool.acquire() as reading:
        group = await find_group_by_collection(reading, target_uri)
    if group is None:
        raise Refused("a change to a collection we do not know")
    added = rx.activity_type == "Add"
    if target_uri == group.moderators_uri:
        person = await ensure_actor(ctx, object_uri)
        if group.local:
            kind = "add_moderator" if added else "remove_moderator"
            return await submit_received(ctx, rx, tx, group, kind, {"person": person.uri})
        return await _team_elsewhere(rx, await tx.begin(), group, person, added=added)
    if group.local:
        kind = "pin" if added else "unpin"
        return await submit_received(ctx, rx, tx, group, kind, {"post": object_uri})
    if not vouched_by_group(rx, group):
        raise Refused("only the group's moderators may change its collections")
    await set_pinned(await tx.begin(), object_uri, group, added)
    return Done("pinned" if added else "unpinned")


async def _team_elsewhere(
    rx: Received, conn: Conn, group: Actor, person: Actor, *, added: bool
) -> Outcome:
    """Who moderates another server's group, as it tells us (so we know our people's roles)."""
    if not vouched_by_group(rx, group):
        raise Refused("only the group's own server may change its moderators")
    if added:
        await add_moderator(conn, group, person)
    else:
        await remove_moderator(conn, group, person)
    return Done(f"{person.handle} {'moderates' if added else 'no longer moderates'} {group.handle}")


async def handle_flag(ctx: AppContext, rx: Received, tx: Transaction) -> Outcome:
    """A report: Mastodon's (the instance actor's, ``object`` = the account and statuses,
    ``content``) or Lemmy's (to the community, ``object`` = the post, ``summary``)."""
    targets = ids_of(rx.activity.object)
    reporter = await ensure_actor(ctx, rx.actor_uri)
    conn = await tx.begin()
    group = await _group_of_report(conn, rx, targets)
    if group is None:
        raise Refused("a report about nothing here")
    if not group.local and not await is_moderated_here(conn, group):
        raise Refused(f"a report about {group.handle}, which no one here moderates")
    content = str(rx.activity.content or rx.activity.summary or "")[:5000]
    report = await take_report(conn, group, reporter, targets, content, rx.activity_uri)
    if report is None:
        return Ignored("reported before")
    note = f"report #{report.id} for the moderators of {group.handle}"
    return Reported(group, note) if group.local else Done(note)


async def _group_of_report(conn: Conn, rx: Received, targets: list[str]) -> Actor | None:
    """The group a report is about: the group of a reported post, a reported group, the group
    it is addressed to, or (forwarded by a group) that group; ours first."""
    found: list[Actor] = []
    addressed = [*ids_of(rx.activity.to), id_of(rx.activity.audience), id_of(rx.activity.target)]
    for uri in [*targets, *[a for a in addressed if a], rx.via_group_uri or ""]:
        post = await find_post(conn, uri) if uri else None
        actor = await find_actor_by_id(conn, post.group_id) if post and post.group_id else None
        actor = actor or (await find_actor_by_uri(conn, uri) if uri else None)
        if actor is not None and actor.is_group:
            found.append(actor)
    ranked = [g for g in found if g.local] + [g for g in found if not g.local]
    return ranked[0] if ranked else None
