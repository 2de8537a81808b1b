"""An import's content: posts and threads (parents first), pins, locks and removals, votes,
bans, tombstones, and the moderation log.

A post keeps its id, its author and its object: the same post arriving later (or imported
again) is recognised by its id and stored once. A post we had already (ours, or the old
group's as we followed it) joins the new group. Entries of the log keep their items, marked
``importedFrom`` the old group; the log stays append-only (an entry is added once).
"""

from __future__ import annotations

from typing import Any

from community.moderation import mark_removed, set_locked
from community.modlog import Entry, append
from community.portability.importing import Restoring
from community.portability.records import PostRecord
from community.portability.vouching import post_problem
from community.posts import (
    Post,
    find_post,
    is_tombstoned,
    record_share,
    remember_deleted,
    set_pinned,
    store_post,
)
from community.remote import authority_of
from community.storage.queries import load_queries
from community.storage.rows import fetch_row

Q = load_queries("community")


async def import_content(restoring: Restoring, objects: dict[str, dict[str, Any]]) -> None:
    await _posts(restoring, objects)
    await _votes(restoring)
    await _bans(restoring)
    await _tombstones(restoring)
    await _modlog(restoring)


def _in_order(records: list[PostRecord]) -> list[PostRecord]:
    """Parents before their replies (an archive lists posts as they were stored)."""
    ordered: list[PostRecord] = []
    placed: set[str] = set()
    archived = {r.id for r in records}
    waiting = list(records)
    while waiting:
        ready = [r for r in waiting if r.in_reply_to not in archived - placed]
        if not ready:  # a cycle: take the rest as they come
            ready = waiting
        ordered += ready
        placed.update(r.id for r in ready)
        waiting = [r for r in waiting if r.id not in placed]
    return ordered


async def _posts(restoring: Restoring, objects: dict[str, dict[str, Any]]) -> None:
    for record in _in_order(restoring.contents.posts):
        post = await _post(restoring, record, objects.get(record.id))
        if post is not None:
            await _moderation_state(restoring, record, post)
            restoring.count("threads" if post.is_top_level else "comments")


async def _post(
    restoring: Restoring, record: PostRecord, fetched: dict[str, Any] | None
) -> Post | None:
    """The post here, stored now or found (and joined to the group)."""
    conn, group = restoring.conn, restoring.group
    if await is_tombstoned(conn, record.id):
        return None
    post = await find_post(conn, record.id)
    if post is not None:
        claim = (post.id, group.id, restoring.contents.former_ids)
        post = await fetch_row(conn, Post, Q["claim_post"], *claim) or post
        if post.group_id != group.id:
            restoring.skip(f"{record.id}: it belongs to another community here")
            return None
    else:
        author = restoring.actors.get(record.author)
        data = fetched or _as_archived(restoring, record)
        if author is None or data is None:
            return None  # the voucher said why
        post, _ = await store_post(conn, data, author, group, local=author.local)
    if post.is_top_level:
        await record_share(conn, post, group, None)
    return post


def _vouched(restoring: Restoring, uri: str) -> bool:
    """Whether the archive's word stands for ``uri`` (it is on the old server, not ours)."""
    return authority_of(uri) == restoring.contents.origin and not restoring.urls.is_local(uri)


def _as_archived(restoring: Restoring, record: PostRecord) -> dict[str, Any] | None:
    """The archive's object for the post, when the archive may vouch for it (else the
    voucher has said why not)."""
    if not _vouched(restoring, record.id) or post_problem(record, record.object) is not None:
        return None
    return record.object


async def _moderation_state(restoring: Restoring, record: PostRecord, post: Post) -> None:
    conn = restoring.conn
    if record.pinned and not post.pinned and post.is_top_level:
        await set_pinned(conn, post.uri, restoring.group, True)
        restoring.count("pins")
    if record.locked and not post.locked:
        await set_locked(conn, post, True)
    if record.removed and post.deleted_at is None:
        await mark_removed(conn, post, record.removal_reason)


async def _votes(restoring: Restoring) -> None:
    conn = restoring.conn
    for vote in restoring.contents.votes:
        voter = restoring.actors.get(vote.actor)
        post = await find_post(conn, vote.object)
        if voter is None or post is None or post.group_id != restoring.group.id:
            continue
        await conn.execute(Q["import_vote"], voter.id, post.id, vote.type, vote.id)
        restoring.count("votes")


async def _bans(restoring: Restoring) -> None:
    conn = restoring.conn
    for ban in restoring.contents.bans:
        person = restoring.actors.get(ban.actor)
        if person is None:
            restoring.skip(f"the ban of {ban.actor}: not known here")
            continue
        values = (restoring.group.id, person.id, ban.reason, ban.expires, ban.id)
        await conn.execute(Q["import_ban"], *values)
        restoring.count("bans")


async def _tombstones(restoring: Restoring) -> None:
    for tombstone in restoring.contents.tombstones:
        if not _vouched(restoring, tombstone.id):
            continue  # another server's deletions are its own to tell
        await remember_deleted(restoring.conn, tombstone.id, restoring.contents.group.id)
        restoring.count("tombstones")


async def _modlog(restoring: Restoring) -> None:
    old = restoring.contents.group.id
    for record in restoring.contents.modlog:
        actor = restoring.actors.get(record.actor)
        if actor is None or not isinstance(record.item.get("id"), str):
            restoring.skip(f"a {record.kind} entry of the log by {record.actor}")
            continue
        item = {**record.item, "importedFrom": old}
        entry = Entry(restoring.group, record.kind, actor, item, record.reason, record.by_admin)
        await append(restoring.conn, entry)
        restoring.count("log entries")
