"""Importing a community: an archive re-created here as a group of ours, in one transaction.

:func:`import_group` reads and checks the whole archive first (:mod:`.contents`), refuses an
archive of a group that lives here and a name another actor has, gathers from other servers
what the archive cannot vouch for (:mod:`.vouching`), and only then writes: the group (its
profile, settings and rules at creation; its old id added to ``alsoKnownAs``), its moderators
(people of the old server become references to them there; remote ones stay remote), its
former followers (the new group lets them in even when closed), then the posts and the rest
(:mod:`.content`). Run twice with the same archive, it changes nothing: every write finds
what the first run wrote.
"""

from __future__ import annotations

from community.actors import Actor, find_actor_by_uri, find_local_actor
from community.context import AppContext
from community.errors import NameTaken
from community.governance import add_moderator, set_premoderation, set_quorum
from community.groups import create_group
from community.html import sanitize_html
from community.names import validate_name
from community.portability.archive import Archive, ArchiveRefused
from community.portability.content import import_content
from community.portability.contents import Contents, read_contents
from community.portability.importing import ImportReport, Restoring
from community.portability.moves import add_also_known_as, record_former_follower
from community.portability.records import ActorRecord
from community.portability.vouching import Vouched, Voucher
from community.remote import authority_of
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import fetch_row
from community.urls import Urls

Q = load_queries("community")


async def import_group(ctx: AppContext, archive: Archive, name: str) -> ImportReport:
    """Re-create the archive's community here as ``name`` (or merge into the group an earlier
    import of it made); :class:`ArchiveRefused` / :class:`NameTaken` before any write."""
    contents = read_contents(archive)
    validate_name(name)
    async with ctx.pool.acquire() as conn:
        await _check_target(conn, contents, name)
    vouched = await Voucher(ctx, contents).gather()
    async with ctx.pool.acquire() as conn, conn.transaction():
        group, created = await _ensure_group(conn, ctx.urls, contents, name)
        actors = await _actors(conn, ctx.urls, contents, vouched)
        report = ImportReport(group, created, skipped=list(vouched.skipped))
        restoring = Restoring(conn, ctx.urls, group, contents, actors, report)
        if created:
            report.key_used = await _take_key(restoring)
        await _moderators(restoring)
        await _former_followers(restoring)
        await import_content(restoring, vouched.objects)
    return report


async def _check_target(conn: Conn, contents: Contents, name: str) -> None:
    """Refuse a community that lives here already, and a name another actor has."""
    here = await find_actor_by_uri(conn, contents.group.id)
    if here is not None and here.local:
        raise ArchiveRefused(f"{contents.group.id} is a community of this server already")
    existing = await find_local_actor(conn, name)
    if existing is not None and not _imported_from(existing, contents):
        raise NameTaken(name)


def _imported_from(group: Actor, contents: Contents) -> bool:
    return group.is_group and contents.group.id in group.also_known_as


async def _ensure_group(
    conn: Conn, urls: Urls, contents: Contents, name: str
) -> tuple[Actor, bool]:
    """The group an earlier import made (its ``alsoKnownAs`` names the archive's), or a new
    one with the archive's profile, settings and rules; whether it is new."""
    existing = await find_local_actor(conn, name)
    if existing is not None:
        if not _imported_from(existing, contents):
            raise NameTaken(name)
        return await add_also_known_as(conn, existing, contents.former_ids), False
    record = contents.group
    group = await create_group(
        conn,
        urls,
        name,
        name=record.name or name,
        summary=sanitize_html(record.summary),
        closed=record.closed,
        posting_policy=record.posting,
        visibility=record.visibility or ("private" if record.closed else "public"),
    )
    profile = (group.id, record.icon_url, record.discoverable)
    group = await fetch_row(conn, Actor, Q["set_imported_profile"], *profile) or group
    await set_premoderation(conn, group, record.premoderation)
    await set_quorum(conn, group, record.quorum)
    return await add_also_known_as(conn, group, contents.former_ids), True


async def _actors(conn: Conn, urls: Urls, contents: Contents, vouched: Vouched) -> dict[str, Actor]:
    """Every actor of the archive we can use, by id (module docstring: who vouches)."""
    found: dict[str, Actor] = {}
    for record in contents.actors:
        actor = vouched.actors.get(record.id)
        if actor is None and urls.is_local(record.id):
            actor = await find_actor_by_uri(conn, record.id)
            if actor is None:
                vouched.skipped.append(f"{record.id}: no such actor here")
        elif actor is None and authority_of(record.id) == contents.origin:
            actor = await _reference(conn, record)
        if actor is not None:
            found[record.id] = actor
    return found


async def _reference(conn: Conn, record: ActorRecord) -> Actor:
    """The actor as stored, or else a row for it as its own server described it."""
    values = (
        record.id,
        record.type,
        record.username,
        authority_of(record.id),
        record.name,
        sanitize_html(record.summary),
        record.url,
        record.icon_url,
        record.inbox,
        record.shared_inbox,
        record.outbox,
        record.followers,
        record.following,
    )
    inserted = await fetch_row(conn, Actor, Q["insert_actor_reference"], *values)
    if inserted is not None:
        return inserted
    stored = await find_actor_by_uri(conn, record.id)
    assert stored is not None
    return stored


async def _take_key(restoring: Restoring) -> bool:
    """A group re-created at its own address takes back its key pair (the archive's
    ``key.json``); anywhere else the key stays unused."""
    key = restoring.contents.key
    if key is None:
        return False
    if key.id != restoring.group.key_id:
        restoring.skip(f"the key pair of {restoring.contents.group.id} (it is not this group's)")
        return False
    values = (restoring.group.id, key.id, key.public_key_pem, key.private_key_pem)
    await restoring.conn.execute(Q["replace_key"], *values)
    return True


async def _moderators(restoring: Restoring) -> None:
    for record in restoring.contents.moderators:
        person = restoring.actors.get(record.actor)
        if person is None:
            restoring.skip(f"moderator {record.actor}: not known here")
            continue
        await add_moderator(restoring.conn, restoring.group, person)
        restoring.count("moderators")


async def _former_followers(restoring: Restoring) -> None:
    old = restoring.contents.group.id
    for record in restoring.contents.followers:
        await record_former_follower(
            restoring.conn, restoring.group, record.actor, old, record.since
        )
        restoring.count("former followers")
