"""A member's own data, as other servers read it: Mastodon's ``following_accounts.csv`` and
an archive of what they published (``actor.json``, ``outbox.json``, ``likes.json``, in the
layout of Mastodon's ``app/services/backup_service.rb``), and the follows list another
server's export gives (:func:`read_follows_csv`).
"""

from __future__ import annotations

import csv
import io
import tarfile
from typing import Any

import orjson

from community.actors import Actor, get_local_key
from community.errors import InvalidInput
from community.render import AS_CONTEXT, render_actor
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

#: Mastodon's header (``app/models/export.rb``, ``to_following_accounts_csv``).
FOLLOWING_HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")
#: Rows a follows import takes at most (Mastodon's ``ROWS_PROCESSING_LIMIT``).
MAX_FOLLOWS_ROWS = 20_000
MAX_CSV_BYTES = 4 * 1024 * 1024


async def following_csv(conn: Conn, person: Actor) -> str:
    """Whom ``person`` follows, newest first, as Mastodon exports it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FOLLOWING_HEADER)
    for record in await conn.fetch(Q["person_following"], person.id):
        followed = Actor.from_record(record)
        writer.writerow((followed.handle, "true", "false", ""))
    return buffer.getvalue()


def read_follows_csv(text: str) -> list[str]:
    """The accounts (``name@host``) of a follows CSV: Mastodon's export with its header, or
    one account a line; refused with the reason when it is not one."""
    if len(text.encode()) > MAX_CSV_BYTES:
        raise InvalidInput("the follows list is larger than this server reads")
    accounts: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].strip() == FOLLOWING_HEADER[0]:
            continue
        account = row[0].strip().removeprefix("@")
        name, at, host = account.partition("@")
        if not at or not name or not host or "@" in host or "/" in account:
            raise InvalidInput(f"line {number}: {row[0]!r} is not an account (name@host)")
        accounts.append(account)
    if len(accounts) > MAX_FOLLOWS_ROWS:
        raise InvalidInput(f"a follows list has at most {MAX_FOLLOWS_ROWS} accounts")
    return list(dict.fromkeys(accounts))


async def account_archive(conn: Conn, person: Actor) -> bytes:
    """The member's archive (a gzipped tar): ``actor.json``, ``outbox.json``,
    ``likes.json`` and ``following_accounts.csv``."""
    outbox = [
        _without_context(orjson.loads(r["body"]))
        for r in await conn.fetch(Q["person_outbox"], person.id)
    ]
    likes = [r["uri"] for r in await conn.fetch(Q["person_likes"], person.id)]
    key = await get_local_key(conn, person)
    actor = render_actor(person, key.public_key_pem)
    actor.update(outbox="outbox.json", likes="likes.json")
    files = {
        "actor.json": actor,
        "outbox.json": _collection("outbox.json", outbox),
        "likes.json": _collection("likes.json", likes),
    }
    members = {name: orjson.dumps(doc, option=orjson.OPT_INDENT_2) for name, doc in files.items()}
    members["following_accounts.csv"] = (await following_csv(conn, person)).encode()
    return _tar(members)


def _without_context(activity: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k != "@context"}


def _collection(uri: str, items: list[Any]) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o444
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
