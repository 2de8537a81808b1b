"""Exporting a community: everything it is, as one archive (:mod:`community.portability.archive`).

The profile, settings and rules, its moderators, its followers (ids and since when), every
post and comment with its object as stored, votes, pins, locks and removals, bans, the
tombstones of what authors deleted, the moderation log, and everyone these name. The group's
private key only when asked (``include_key``): whoever holds it can speak as the group.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
from asyncpg.transaction import Transaction

from community import __version__
from community.actors import Actor, get_local_key
from community.errors import InvalidInput
from community.governance import group_settings
from community.portability.archive import GROUP, KEY, jsonl, pack
from community.render import iso, render_actor
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.urls import Urls

Q = load_queries("community")


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


async def export_group(conn: Conn, urls: Urls, group: Actor, *, include_key: bool = False) -> bytes:
    """The archive of one of our groups, as bytes (a gzipped tar)."""
    if not group.local or not group.is_group:
        raise InvalidInput(f"{group.handle} is not a community of this server")
    async with _snapshot(conn):
        sections = await _sections(conn, group)
        actors = await _actors(conn, sections)
        files = {GROUP: _document(await _group_record(conn, group))}
        files["actors.jsonl"] = jsonl(actors)
        files.update({name: jsonl(records) for name, records in sections.items()})
        if include_key:
            files[KEY] = _document(await _key_record(conn, group))
    manifest = {
        "server": {"base_url": urls.base_url, "software": "fediverse", "version": __version__},
        "group": group.uri,
        "exported_at": iso(datetime.now(UTC)),
        "includes_key": include_key,
        "counts": _counts(sections, len(actors)),
    }
    return pack(files, manifest)


def _snapshot(conn: Conn) -> Transaction:
    """One consistent view of the group while it is read (the caller's, when it has one)."""
    if conn.is_in_transaction():
        return conn.transaction()
    return conn.transaction(isolation="repeatable_read", readonly=True)


def _document(record: dict[str, Any]) -> bytes:
    return jsonl([record]).rstrip(b"\n")


async def _group_record(conn: Conn, group: Actor) -> dict[str, Any]:
    settings = await group_settings(conn, group)
    key = await get_local_key(conn, group)
    return {
        "id": group.uri,
        "username": group.username,
        "name": group.name,
        "summary": group.summary,
        "icon_url": group.icon_url,
        "discoverable": group.discoverable,
        "closed": group.manually_approves_followers,
        "visibility": group.community_visibility,
        "posting": group.posting_policy,
        "premoderation": settings.premoderation,
        "quorum": settings.quorum,
        "also_known_as": list(group.also_known_as),
        "moved_to": group.moved_to_uri,
        "published": iso(group.published),
        "document": render_actor(group, key.public_key_pem),
    }


async def _key_record(conn: Conn, group: Actor) -> dict[str, Any]:
    key = await get_local_key(conn, group)
    return {
        "id": key.key_id,
        "public_key_pem": key.public_key_pem,
        "private_key_pem": key.private_key_pem,
    }


async def _rows(conn: Conn, query: str, group: Actor) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q[query], group.id))


async def _sections(conn: Conn, group: Actor) -> dict[str, list[dict[str, Any]]]:
    """Every JSON Lines section but the actors, in the archive's order."""
    members = [
        {"actor": r["actor"], "since": _when(r["since"])}
        for r in await _rows(conn, "export_moderators", group)
    ]
    followers = [
        {"actor": r["actor"], "since": _when(r["since"])}
        for r in await _rows(conn, "export_followers", group)
    ]
    return {
        "moderators.jsonl": members,
        "followers.jsonl": followers,
        "posts.jsonl": [_post(r) for r in await _rows(conn, "export_posts", group)],
        "votes.jsonl": [_vote(r) for r in await _rows(conn, "export_votes", group)],
        "bans.jsonl": [_ban(r) for r in await _rows(conn, "export_bans", group)],
        "tombstones.jsonl": [
            {"id": r["uri"]}
            for r in await conn.fetch(Q["export_tombstones"], group.id, list(group.also_known_as))
        ],
        "modlog.jsonl": [_entry(r) for r in await _rows(conn, "export_modlog", group)],
    }


def _post(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["uri"],
        "author": row["author_uri"],
        "in_reply_to": row["in_reply_to_uri"],
        "published": _when(row["published"]),
        "pinned": row["pinned"],
        "locked": row["locked"],
        "removed": row["removed_at"] is not None,
        "removal_reason": row["removal_reason"],
        "object": row["raw"],
    }


def _vote(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["activity_uri"],
        "type": row["kind"],
        "actor": row["actor_uri"],
        "object": row["post_uri"],
        "published": _when(row["created_at"]),
    }


def _ban(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "actor": row["actor_uri"],
        "reason": row["reason"],
        "expires": _when(row["expires_at"]),
        "id": row["activity_uri"],
        "since": _when(row["created_at"]),
    }


def _entry(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "actor": row["actor_uri"],
        "by_admin": row["by_admin"],
        "reason": row["reason"],
        "published": _when(row["created_at"]),
        "item": row["activity"],
    }


#: Who each section names (followers are named by id only: their servers know them).
_NAMED = {
    "moderators.jsonl": ("actor",),
    "posts.jsonl": ("author",),
    "votes.jsonl": ("actor",),
    "bans.jsonl": ("actor",),
    "modlog.jsonl": ("actor",),
}


async def _actors(conn: Conn, sections: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    uris = sorted({r[key] for name, keys in _NAMED.items() for r in sections[name] for key in keys})
    return [_actor(Actor.from_record(r)) for r in await conn.fetch(Q["actors_by_uris"], uris)]


def _actor(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.uri,
        "type": actor.type,
        "username": actor.username,
        "name": actor.name,
        "summary": actor.summary,
        "url": actor.url,
        "icon_url": actor.icon_url,
        "inbox": actor.inbox_uri,
        "shared_inbox": actor.shared_inbox_uri,
        "outbox": actor.outbox_uri,
        "followers": actor.followers_uri,
        "following": actor.following_uri,
    }


def _counts(sections: dict[str, list[dict[str, Any]]], actors: int) -> dict[str, int]:
    posts = sections["posts.jsonl"]
    threads = sum(1 for p in posts if p["in_reply_to"] is None)
    return {
        "threads": threads,
        "comments": len(posts) - threads,
        "pins": sum(1 for p in posts if p["pinned"]),
        "moderators": len(sections["moderators.jsonl"]),
        "followers": len(sections["followers.jsonl"]),
        "votes": len(sections["votes.jsonl"]),
        "bans": len(sections["bans.jsonl"]),
        "tombstones": len(sections["tombstones.jsonl"]),
        "modlog": len(sections["modlog.jsonl"]),
        "actors": actors,
    }
