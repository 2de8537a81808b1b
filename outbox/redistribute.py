"""A group re-shares what its members send, in the form each follower's software understands.

DESIGN.md §3 "Group redistribution":

* FEP-1b12 followers (Lemmy, PieFed, Mbin, NodeBB, Friendica, …) get an ``Announce`` wrapping
  the received activity byte-exact, for posts, comments, edits, deletions, votes and undos.
* Microblog followers (Mastodon, Akkoma, Misskey, GoToSocial, …) get a plain ``Announce`` of
  the object for top-level posts only; a deleted post reaches them as ``Undo{Announce}``.
* Followers on servers of unknown software get both.
"""

from __future__ import annotations

import orjson

from community.actors import Actor
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.urls import Urls
from outbox.activities import (
    build_announce_object,
    build_announce_wrapping,
    build_undo,
)
from outbox.sending import Audience, send

QC = load_queries("community")


def is_listed(group: Actor) -> bool:
    """A closed group's announces go to its members only, never into a public outbox."""
    return not group.manually_approves_followers


async def announce_wrapped(conn: Conn, urls: Urls, group: Actor, received_body: str) -> str:
    """Announce{received activity} to the group's FEP-1b12 (and unknown-software) followers."""
    body = build_announce_wrapping(urls, group, received_body, public=is_listed(group))
    uri = orjson.loads(body)["id"]
    await send(
        conn, group, body,
        audience=Audience(followers_of=group, family="fep1b12"), public=is_listed(group),
        form="fep1b12",
    )  # fmt: skip
    return str(uri)


async def announce_boost(conn: Conn, urls: Urls, group: Actor, object_uri: str) -> str:
    """Announce{object} (a boost) to the group's microblog (and unknown-software) followers."""
    activity = build_announce_object(urls, group, object_uri, public=is_listed(group))
    await send(
        conn, group, orjson.dumps(activity).decode(),
        audience=Audience(followers_of=group, family="microblog"),
        public=False, form="boost",
    )  # fmt: skip
    return str(activity["id"])


async def undo_boost(conn: Conn, urls: Urls, group: Actor, object_uri: str) -> None:
    """Withdraw the boost of a removed post from microblog followers."""
    record = await conn.fetchrow(QC["find_group_boost"], group.id, object_uri)
    if record is None:
        return
    undo = build_undo(urls, group, orjson.loads(record["body"]))
    await send(
        conn, group, orjson.dumps(undo).decode(),
        audience=Audience(followers_of=group, family="microblog"),
        public=False, form="boost",
    )  # fmt: skip


async def redistribute(
    conn: Conn,
    urls: Urls,
    group: Actor,
    received_body: str,
    *,
    boost_object_uri: str | None = None,
) -> None:
    """Both forms as the activity calls for: wrapped always, a boost for new top-level posts."""
    await announce_wrapped(conn, urls, group, received_body)
    if boost_object_uri is not None:
        await announce_boost(conn, urls, group, boost_object_uri)
