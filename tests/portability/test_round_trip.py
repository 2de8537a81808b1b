"""Export → import → export gives the same content; importing twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import orjson
import pytest

from community.actors import get_local_actor
from community.portability import ArchiveRefused, export_group, import_group, read_archive
from community.portability.archive import pack
from community.portability.contents import read_contents
from tests.inbox.support import remote_actor
from tests.portability.support import (
    MASTO,
    NEW,
    OLD,
    build_community,
    server_context,
    table_snapshot,
)


def content_of(data: bytes) -> dict[str, Any]:
    """What a community is, whichever server holds it: its ids and addresses aside."""
    contents = read_contents(read_archive(data))
    group = contents.group.model_dump(
        exclude={"id", "username", "also_known_as", "published", "document", "moved_to"}
    )
    return {
        "group": group,
        "moderators": sorted(m.actor for m in contents.moderators),
        "posts": [p.model_dump(exclude={"published"}) for p in contents.posts],
        "votes": sorted((v.id, v.type, v.actor, v.object) for v in contents.votes),
        "bans": [b.model_dump(exclude={"since"}) for b in contents.bans],
        "tombstones": sorted(t.id for t in contents.tombstones),
        "modlog": [
            (e.kind, e.actor, e.by_admin, e.reason, _without(e.item, "importedFrom"))
            for e in contents.modlog
        ],
        "actors": [a.model_dump() for a in contents.actors],
    }


def _without(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != key}


async def exported_community(database: str, tmp_path: Path) -> bytes:
    """The archive of the community ``build_community`` makes on the old server."""
    async with (
        server_context(database, OLD, tmp_path / "old") as old,
        old.pool.acquire() as conn,
    ):
        world = await build_community(conn)
        return await export_group(conn, old.urls, world.group)


async def test_export_import_export_gives_the_same_content(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    async with (
        server_context(databases[0], OLD, tmp_path / "old") as old,
        old.pool.acquire() as conn,
    ):
        world = await build_community(conn)
        first = await export_group(conn, old.urls, world.group)
    async with server_context(databases[1], NEW, tmp_path / "new") as new:
        async with new.pool.acquire() as conn:
            await remote_actor(conn, f"{MASTO}/users/mia", software="mastodon")
        report = await import_group(new, read_archive(first), "commons")
        assert report.created
        assert report.skipped == []
        async with new.pool.acquire() as conn:
            group = await get_local_actor(conn, "commons")
            second = await export_group(conn, new.urls, group)
            former = await conn.fetchval("SELECT count(*) FROM former_followers")
    assert content_of(second) == content_of(first)
    assert group.also_known_as == (f"{OLD}/groups/commons",)
    assert group.uri == f"{NEW}/groups/commons"
    assert former == 2  # cat and lee: the followers the old group had (mia was banned)
    manifest = read_archive(first).manifest
    assert manifest["counts"] | {"actors": 0} == {
        "threads": 3,
        "comments": 4,
        "pins": 1,
        "moderators": 2,
        "followers": 2,
        "votes": 3,
        "bans": 1,
        "tombstones": 1,
        "modlog": 5,
        "actors": 0,
    }


async def test_importing_twice_changes_nothing(databases: tuple[str, str], tmp_path: Path) -> None:
    data = await exported_community(databases[0], tmp_path)
    async with server_context(databases[1], NEW, tmp_path / "new") as new:
        async with new.pool.acquire() as conn:
            await remote_actor(conn, f"{MASTO}/users/mia", software="mastodon")
        await import_group(new, read_archive(data), "commons")
        conn: asyncpg.Connection
        async with new.pool.acquire() as conn:
            before = await table_snapshot(conn)
        again = await import_group(new, read_archive(data), "commons")
        async with new.pool.acquire() as conn:
            after = await table_snapshot(conn)
    assert not again.created
    assert after == before


async def test_a_refused_archive_changes_nothing(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    data = await exported_community(databases[0], tmp_path)
    archive = read_archive(data)
    files = dict(archive.files)
    files["posts.jsonl"] += b'{"id": "https://old.example/objects/x", "author": 42}\n'
    bad = pack(files, {k: v for k, v in archive.manifest.items() if k != "files"})
    async with server_context(databases[1], NEW, tmp_path / "new") as new:
        async with new.pool.acquire() as conn:
            before = await table_snapshot(conn)
        with pytest.raises(ArchiveRefused, match=r"posts\.jsonl line 8: author"):
            await import_group(new, read_archive(bad), "commons")
        async with new.pool.acquire() as conn:
            assert await table_snapshot(conn) == before


async def test_what_the_archive_cannot_vouch_for_is_left_out(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    """A post claimed for another server's author, and one whose origin cannot be reached."""
    data = await exported_community(databases[0], tmp_path)
    archive = read_archive(data)
    files = dict(archive.files)
    forged = {
        "id": f"{OLD}/objects/forged",
        "author": f"{MASTO}/users/mia",
        "object": {
            "id": f"{OLD}/objects/forged",
            "type": "Note",
            "attributedTo": f"{MASTO}/users/mia",
            "content": "words put in her mouth",
        },
    }
    elsewhere = {
        "id": "https://unreachable.invalid/notes/1",
        "author": "https://unreachable.invalid/users/z",
        "object": {
            "id": "https://unreachable.invalid/notes/1",
            "type": "Note",
            "attributedTo": "https://unreachable.invalid/users/z",
            "content": "as the archive says",
        },
    }
    files["posts.jsonl"] += orjson.dumps(forged) + b"\n" + orjson.dumps(elsewhere) + b"\n"
    repacked = pack(files, {k: v for k, v in archive.manifest.items() if k != "files"})
    async with server_context(databases[1], NEW, tmp_path / "new") as new:
        async with new.pool.acquire() as conn:
            await remote_actor(conn, f"{MASTO}/users/mia", software="mastodon")
        report = await import_group(new, read_archive(repacked), "commons")
        async with new.pool.acquire() as conn:
            stored = await conn.fetchval(
                "SELECT count(*) FROM posts WHERE uri = ANY($1)", [forged["id"], elsewhere["id"]]
            )
    assert stored == 0
    assert f"{OLD}/objects/forged is not on its author's server" in report.skipped
    assert any(
        s.startswith(f"{elsewhere['id']}: its origin does not vouch") for s in report.skipped
    )
