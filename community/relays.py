"""Relays the instance subscribes to (issue 17, docs/bridges.md "Relays").

Our instance actor (FEP-2677) subscribes: relays such as ActivityRelay accept only
``Application`` actors, take posts only from their subscribers' shared inboxes, and follow the
subscriber back. A LitePub relay is followed at its actor; a Mastodon-style relay gets a
``Follow`` whose ``object`` is ``as:Public`` at its inbox. The communities that opted in
(``relay_groups``) have their public posts published to the relays that accepted us; what
relays announce feeds the directory, not anyone's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from community.actors import Actor
from community.directory import is_listed
from community.posts import Post
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

RelayKind = Literal["litepub", "mastodon"]


@dataclass(frozen=True)
class Relay(Row):
    id: int
    url: str
    inbox_uri: str
    actor_uri: str | None
    kind: str
    follow_uri: str
    state: str
    created_at: datetime
    answered_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.state == "accepted"


async def upsert_relay(
    conn: Conn, url: str, inbox_uri: str, actor_uri: str | None, kind: RelayKind, follow_uri: str
) -> Relay:
    """A (new) subscription to the relay at ``url``, pending until the relay accepts."""
    values = (url, inbox_uri, actor_uri, kind, follow_uri)
    relay = await fetch_row(conn, Relay, Q["upsert_relay"], *values)
    assert relay is not None
    return relay


async def find_relay(conn: Conn, url: str) -> Relay | None:
    """The relay named by its URL as given, its inbox or its actor."""
    return await fetch_row(conn, Relay, Q["get_relay_by_url"], url)


async def find_relay_by_follow(conn: Conn, follow_uri: str) -> Relay | None:
    return await fetch_row(conn, Relay, Q["get_relay_by_follow"], follow_uri)


async def relay_of(conn: Conn, actor: Actor) -> Relay | None:
    """The relay ``actor`` speaks for (by its actor id, or by the inbox we subscribed at)."""
    inboxes = [i for i in (actor.inbox_uri, actor.shared_inbox_uri) if i]
    return await fetch_row(conn, Relay, Q["get_relay_of_actor"], actor.uri, inboxes)


async def list_relays(conn: Conn) -> list[Relay]:
    return [Relay.from_record(r) for r in await conn.fetch(Q["list_relays"])]


async def delete_relay(conn: Conn, relay: Relay) -> None:
    await conn.execute(Q["delete_relay"], relay.id)


async def answer_relay(conn: Conn, relay: Relay, actor_uri: str, *, accepted: bool) -> Relay:
    """The relay (``actor_uri``) accepted or rejected our subscription."""
    state = "accepted" if accepted else "rejected"
    answered = await fetch_row(conn, Relay, Q["answer_relay"], relay.id, state, actor_uri)
    assert answered is not None
    return answered


async def accepted_relay_inboxes(conn: Conn) -> list[str]:
    return [r["inbox_uri"] for r in await conn.fetch(Q["accepted_relay_inboxes"])]


async def opt_in(conn: Conn, group: Actor) -> bool:
    """``group`` publishes to the relays from now on; False when it did already."""
    return await conn.fetchrow(Q["opt_in_relays"], group.id) is not None


async def opt_out(conn: Conn, group: Actor) -> bool:
    return await conn.fetchrow(Q["opt_out_relays"], group.id) is not None


async def is_opted_in(conn: Conn, group: Actor) -> bool:
    return bool(await conn.fetchval(Q["is_opted_in_relays"], group.id))


async def opted_in_groups(conn: Conn) -> list[Actor]:
    return [Actor.from_record(r) for r in await conn.fetch(Q["groups_opted_in_relays"])]


async def publishes_to_relays(conn: Conn, group: Actor, post: Post) -> bool:
    """Whether ``group`` publishes ``post`` to the relays: a public post of its own (not one
    it carried over a bridge), in a listed community that opted in."""
    if not (group.local and is_listed(group) and not group.manually_approves_followers):
        return False
    if post.group_id != group.id or post.visibility != "public":
        return False
    return await is_opted_in(conn, group)
