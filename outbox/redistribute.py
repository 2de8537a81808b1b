"""A group re-shares what its members send, in the form each follower's software understands.

DESIGN.md §3 "Group redistribution":

* FEP-1b12 followers (Lemmy, PieFed, Mbin, NodeBB, Friendica, …) get an ``Announce`` wrapping
  the received activity byte-exact, for posts, comments, edits, deletions, votes and undos.
* Microblog followers (Mastodon, Akkoma, Misskey, GoToSocial, …) get a plain ``Announce`` of
  the object for top-level posts only; a deleted post reaches them as ``Undo{Announce}``.
* Followers on servers of unknown software get both.

The inbox's dispatch (:mod:`inbox.dispatch`) decides from what a handler did whether one of our
groups announces, and calls these; so does a moderator's act that lets posts in
(:mod:`outbox.governance.distribute`).
"""

from __future__ import annotations

from community.activities import find_activity
from community.actors import Actor
from community.audience import announce_listed
from community.posts import already_announced, find_group_boost
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import build_boost, build_undo, build_wrap
from outbox.relays import publish_to_relays
from outbox.send import Audience, Outgoing, send


async def announce_wrapped(
    conn: Conn,
    urls: Urls,
    group: Actor,
    received_body: str,
    received_uri: str | None,
    *,
    also_to: tuple[Actor, ...] = (),
    origin: str | None = None,
) -> str:
    """Announce{received activity} to the group's FEP-1b12 (and unknown-software) followers,
    and to ``also_to`` (the source community of a bridged thread: docs/bridges.md); ``origin``
    names the community a bridged post came from."""
    wrap = build_wrap(urls, group, received_body, received_uri, origin=origin)
    audience = Audience(
        actors=also_to,
        followers_of=group,
        family="fep1b12",
        listed=announce_listed(group),
        form="fep1b12",
    )
    await send(conn, group, wrap, audience)
    return wrap.uri


async def announce_joined(conn: Conn, urls: Urls, group: Actor, uris: tuple[str, ...]) -> None:
    """Announce the ``Create`` activities ``uris`` of our replies that waited for their thread
    and joined the group with it (:mod:`outbox.waiting`), as we sent them, each once."""
    for uri in uris:
        joined = await find_activity(conn, uri)
        if joined is not None and not await already_announced(conn, group, uri):
            await announce_wrapped(conn, urls, group, joined.body, uri)


async def announce_boost(conn: Conn, urls: Urls, group: Actor, object_uri: str) -> str:
    """Announce{object} (a boost) to the group's microblog (and unknown-software) followers,
    and to the instance's relays when the group publishes there (:mod:`outbox.relays`)."""
    boost = Outgoing.of(build_boost(urls, group, object_uri))
    await send(conn, group, boost, _to_microblogs(group))
    await publish_to_relays(conn, group, boost, object_uri)
    return boost.uri


async def undo_boost(conn: Conn, urls: Urls, group: Actor, object_uri: str) -> None:
    """Withdraw the boost of a removed post from microblog followers."""
    boost = await find_group_boost(conn, group, object_uri)
    if boost is None:
        return
    await send(conn, group, Outgoing.of(build_undo(urls, group, boost)), _to_microblogs(group))


def _to_microblogs(group: Actor) -> Audience:
    return Audience(followers_of=group, family="microblog", listed=False, form="boost")
