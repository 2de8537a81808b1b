"""Local actors: people, groups and the instance actor, each with an RSA-2048 key pair."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypedDict, Unpack

import asyncpg

from community import urls as u
from community.errors import NameTaken, NotFoundError
from community.names import validate_name
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row
from community.urls import Urls
from federation.keys import generate_rsa_keypair

Q = load_queries("community")

ActorType = Literal["Person", "Group", "Application", "Service", "Organization"]
PostingPolicy = Literal["members", "anyone", "moderators"]
#: A community's visibility (issue 15; :func:`community.audience.group_visibility` reads it).
CommunityVisibility = Literal["public", "unlisted", "private"]
COMMUNITY_VISIBILITIES: tuple[CommunityVisibility, ...] = ("public", "unlisted", "private")


@dataclass(frozen=True)
class Actor(Row):
    """One row of ``actors``: a person, group or application, ours or another server's."""

    id: int
    uri: str
    type: str
    username: str
    domain: str
    local: bool
    name: str
    summary: str
    url: str | None
    icon_url: str | None
    inbox_uri: str | None
    shared_inbox_uri: str | None
    outbox_uri: str | None
    followers_uri: str | None
    following_uri: str | None
    featured_uri: str | None
    moderators_uri: str | None
    manually_approves_followers: bool
    discoverable: bool
    posting_policy: str
    published: datetime
    updated: datetime
    #: accepted followers (a group's members), a counter kept by a trigger (0007)
    followers_count: int = 0
    deleted_at: datetime | None = None
    #: where the actor moved to (``movedTo``), and since when (ours only)
    moved_to_uri: str | None = None
    moved_at: datetime | None = None
    #: the actor's other ids (``alsoKnownAs``): accounts or communities it moved from
    also_known_as: tuple[str, ...] = ()
    #: a group's visibility (0014): ``public``, ``unlisted`` or ``private``
    community_visibility: str = "public"
    #: a local group's rules (0034): sanitised HTML, ``None`` when none are written
    rules: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.also_known_as, tuple):  # a text[] column reads as a list
            object.__setattr__(self, "also_known_as", tuple(self.also_known_as or ()))

    @property
    def is_group(self) -> bool:
        return self.type == "Group"

    @property
    def handle(self) -> str:
        return f"{self.username}@{self.domain}"

    @property
    def key_id(self) -> str:
        return u.key_id_of(self.uri)


@dataclass(frozen=True)
class LocalKey:
    key_id: str
    public_key_pem: str
    private_key_pem: str


class Profile(TypedDict, total=False):
    """How a new local actor shows itself, and whom it lets follow and post."""

    name: str
    summary: str
    #: followers wait for approval (``manuallyApprovesFollowers``)
    closed: bool
    posting_policy: PostingPolicy
    #: a group's visibility (default: ``private`` when closed, else ``public``); a private
    #: group is closed
    visibility: CommunityVisibility


async def create_local_actor(
    conn: Conn, urls: Urls, actor_type: ActorType, username: str, **profile: Unpack[Profile]
) -> Actor:
    """Create a local person or group with a fresh key pair; refuse a taken or invalid name."""
    if actor_type != "Application":
        validate_name(username)
    private_pem, public_pem = await asyncio.to_thread(generate_rsa_keypair)
    values = _local_actor_values(urls, actor_type, username, profile)
    async with conn.transaction():
        actor = await fetch_row(conn, Actor, Q["insert_local_actor"], *values)
        if actor is None:
            raise NameTaken(username)
        await conn.execute(Q["insert_key"], actor.key_id, actor.id, public_pem, private_pem)
    return actor


def _local_actor_values(
    urls: Urls, actor_type: ActorType, username: str, profile: Profile
) -> list[Any]:
    """The ``insert_local_actor`` parameters of a new actor: its URIs minted under ours."""
    uri = urls.actor_uri(actor_type, username)
    is_group = actor_type == "Group"
    closed_by_default = "private" if profile.get("closed", False) else "public"
    visibility = profile.get("visibility", closed_by_default) if is_group else "public"
    return [
        uri,
        actor_type,
        username,
        urls.domain,
        profile.get("name", ""),
        profile.get("summary", ""),
        urls.profile_url(username) if actor_type != "Application" else urls.base_url + "/",
        u.endpoint_uri(uri, "inbox"),
        urls.shared_inbox_uri,
        u.endpoint_uri(uri, "outbox"),
        u.endpoint_uri(uri, "followers"),
        u.endpoint_uri(uri, "following"),
        u.endpoint_uri(uri, "featured") if is_group else None,
        u.endpoint_uri(uri, "moderators") if is_group else None,
        profile.get("closed", False) or visibility == "private",
        profile.get("posting_policy", "members"),
        visibility,
    ]


async def find_instance_actor(conn: Conn) -> Actor | None:
    """The FEP-2677 application actor, once the first start has made it."""
    return await fetch_row(conn, Actor, Q["get_instance_actor"])


async def ensure_instance_actor(conn: Conn, urls: Urls) -> Actor:
    """The FEP-2677 application actor that signs our GETs; created on first start."""
    found = await find_instance_actor(conn)
    if found is not None:
        return found
    try:
        return await create_local_actor(conn, urls, "Application", urls.domain, name=urls.domain)
    except NameTaken:  # another process created it at the same moment
        found = await find_instance_actor(conn)
        assert found is not None
        return found


async def get_local_actor(conn: Conn, username: str) -> Actor:
    actor = await find_local_actor(conn, username)
    if actor is None:
        raise NotFoundError(f"no person or group named {username!r}")
    return actor


async def find_local_actor(conn: Conn, username: str) -> Actor | None:
    return await fetch_row(conn, Actor, Q["get_local_actor_by_name"], username)


async def find_actor_by_uri(conn: Conn, uri: str) -> Actor | None:
    return await fetch_row(conn, Actor, Q["get_actor_by_uri"], uri)


async def find_actor_by_uri_or_url(conn: Conn, uri_or_url: str) -> Actor | None:
    """The actor whose id, or profile page, is ``uri_or_url`` (ours or known from elsewhere)."""
    return await fetch_row(conn, Actor, Q["get_actor_by_uri_or_url"], uri_or_url)


async def get_local_key(conn: Conn, actor: Actor) -> LocalKey:
    """The signing key of one of our actors."""
    for record in await conn.fetch(Q["get_keys_of_actor"], actor.id):
        if record["private_key_pem"]:
            return LocalKey(record["key_id"], record["public_key_pem"], record["private_key_pem"])
    raise NotFoundError(f"signing key of {actor.uri}")


async def public_keys_of(conn: Conn, actor: Actor) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch(Q["get_keys_of_actor"], actor.id)]


async def list_local_actors(conn: Conn, actor_type: ActorType) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["list_local_actors"], actor_type))


async def find_actor_by_id(conn: Conn, actor_id: int) -> Actor | None:
    return await fetch_row(conn, Actor, Q["get_actor_by_id"], actor_id)


async def any_local_actor(conn: Conn, uris: list[str]) -> bool:
    """Whether any of ``uris`` is one of our actors."""
    return bool(await conn.fetchval(Q["any_local_actor"], uris))


async def also_known_as(conn: Conn, uri: str) -> list[str] | None:
    """The stored actor's ``alsoKnownAs`` (None when we do not know the actor)."""
    record = await conn.fetchrow(Q["also_known_as_of"], uri)
    return None if record is None else list(record["also_known_as"] or [])


async def mark_remote_actor_deleted(conn: Conn, uri: str) -> int | None:
    """A remote actor deleted itself: keep its row, marked; its id (None if unknown)."""
    actor_id: int | None = await conn.fetchval(Q["mark_actor_deleted"], uri)
    return actor_id
