"""Actors of other servers: fetched safely, validated, stored, and their keys cached.

The rules (DESIGN.md §5, issue "federation/: … remote actors we can trust"):

* An actor is fetched with :class:`federation.fetch.Fetcher` (signed GET, SSRF guard, limits,
  ``id`` = final URL) and stored with its keys, inbox, shared inbox and collections.
* A key is believed only when its owner actor lists exactly that key id.
* Keys are cached in PostgreSQL (``actor_keys``) and in memory; after a failed verification the
  key is re-fetched once (key rotation), but not more than once per
  :attr:`RemotePolicy.refresh_interval` per actor; failed look-ups are remembered for
  :attr:`RemotePolicy.negative_ttl` (negative cache).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urldefrag, urlsplit

import asyncpg

from community.actors import Actor
from community.errors import FediverseError
from community.html import sanitize_html
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.urls import Urls
from federation.errors import FetchError, VocabularyError
from federation.fetch import Fetcher
from federation.keys import load_public_key
from federation.nodeinfo import fetch_software
from federation.verify import PublicKeyInfo
from federation.vocabulary import parse_actor
from federation.vocabulary.actors import Actor as ActorDocument
from federation.vocabulary.base import id_of
from federation.webfinger import parse_handle, resolve_handle

Q = load_queries("community")

STORED_TYPES = frozenset({"Person", "Group", "Application", "Service", "Organization"})


class InvalidActor(FediverseError):
    """A fetched document that is not an actor we can store; ``str()`` says why."""


@dataclass(frozen=True)
class RemotePolicy:
    refresh_interval: float = 300.0  # at most one forced key re-fetch per actor per 5 minutes
    negative_ttl: float = 120.0  # remember a failed key look-up for 2 minutes
    actor_max_age: float = 86400.0  # re-fetch stored actors older than a day
    nodeinfo_max_age: float = 86400.0
    memory_keys: int = 10_000


def authority_of(uri: str) -> str:
    """``host[:port]`` of a URI, lower-cased (how we name other servers)."""
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def actor_row_values(doc: ActorDocument, uri: str) -> list[Any]:
    """The ``upsert_remote_actor`` parameters for a validated actor document."""
    actor_type = next((t for t in doc.type_names() if t in STORED_TYPES), None)
    if actor_type is None:
        raise InvalidActor(f"{uri} has type {doc.type!r}, not an actor type we store")
    if not doc.inbox or not doc.inbox.startswith(("https://", "http://")):
        raise InvalidActor(f"{uri} has no usable inbox")
    username = doc.preferred_username or uri.rstrip("/").rsplit("/", 1)[-1]
    icon = doc.icon[0] if isinstance(doc.icon, list) and doc.icon else doc.icon
    restricted = bool(doc.posting_restricted_to_mods)
    aliases = doc.also_known_as
    return [
        uri,
        actor_type,
        username[:100],
        authority_of(uri),
        (doc.name or "")[:200],
        sanitize_html(doc.summary or ""),
        id_of(doc.url) if doc.url else None,
        _image_url(icon),
        doc.inbox,
        doc.shared_inbox_uri,
        doc.outbox,
        id_of(doc.followers),
        id_of(doc.following),
        id_of(doc.featured),
        doc.moderators_uri if actor_type == "Group" else None,
        bool(doc.manually_approves_followers),
        doc.discoverable is not False,
        "moderators" if restricted else "members",
        doc.raw_json,
        doc.moved_to,
        [aliases] if isinstance(aliases, str) else list(aliases or []),
    ]


def _image_url(icon: Any) -> str | None:
    if isinstance(icon, str):
        return icon
    url = getattr(icon, "url", None)
    return id_of(url) if url is not None else None


def published_keys(doc: ActorDocument, uri: str) -> list[tuple[str, str]]:
    """(key id, PEM) of each key the actor lists as its own and that we can load."""
    keys = []
    for key in doc.public_keys():
        if not key.id or not key.public_key_pem or (key.owner and key.owner != uri):
            continue
        try:
            load_public_key(key.public_key_pem)
        except Exception:  # noqa: S112 – an unreadable key is skipped, not fatal
            continue
        keys.append((key.id, key.public_key_pem))
    return keys


async def store_actor_document(conn: Conn, data: dict[str, Any], uri: str) -> Actor:
    """Validate and store a fetched actor document (``uri`` is where it was fetched)."""
    try:
        doc = parse_actor(data)
    except VocabularyError as exc:
        raise InvalidActor(f"{uri} is not an actor: {exc}") from None
    if doc.id != uri:
        raise InvalidActor(f"{uri} claims to be {doc.id}")
    keys = published_keys(doc, uri)
    async with conn.transaction():
        record = await conn.fetchrow(Q["upsert_remote_actor"], *actor_row_values(doc, uri))
        if record is None:
            raise InvalidActor(f"{uri} is one of our own actors")
        for key_id, pem in keys:
            await conn.execute(Q["upsert_remote_key"], key_id, record["id"], pem)
        await conn.execute(Q["delete_stale_remote_keys"], record["id"], [k for k, _ in keys])
    return Actor.from_record(record)


class RemoteActors:
    """Finds, fetches and stores actors of other servers; the inbox's key lookup."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        fetcher: Fetcher,
        urls: Urls,
        policy: RemotePolicy | None = None,
        *,
        scheme: Literal["https", "http"] = "https",
    ) -> None:
        self.pool = pool
        self.fetcher = fetcher
        self.urls = urls
        self.policy = policy or RemotePolicy()
        self.scheme = scheme
        self._keys: OrderedDict[str, tuple[float, PublicKeyInfo]] = OrderedDict()
        self._failed: dict[str, float] = {}

    async def get_actor(self, uri: str, *, refresh: bool = False) -> Actor:
        """The stored actor at ``uri``, fetched (again) when unknown, stale or asked to."""
        uri = urldefrag(uri).url
        async with self.pool.acquire() as conn:
            record = await conn.fetchrow(Q["get_actor_by_uri"], uri)
        if record is not None and (record["local"] or not (refresh or self._stale(record))):
            return Actor.from_record(record)
        return await self.fetch_actor(uri)

    async def fetch_actor(self, uri: str) -> Actor:
        if self.urls.is_local(uri):
            raise InvalidActor(f"{uri} is on this server but not one of its actors")
        document = await self.fetcher.fetch_document(uri)
        async with self.pool.acquire() as conn:
            return await store_actor_document(conn, document.json, document.url)

    def _stale(self, record: asyncpg.Record) -> bool:
        fetched: datetime | None = record["fetched_at"]
        age = timedelta(seconds=self.policy.actor_max_age)
        return fetched is None or fetched < datetime.now(UTC) - age

    async def resolve_handle(self, handle: str) -> Actor:
        """``@name@host`` → the actor, by WebFinger (stored ones first, unless stale)."""
        name, host = parse_handle(handle)
        if host.lower() == self.urls.domain:
            async with self.pool.acquire() as conn:
                record = await conn.fetchrow(Q["get_local_actor_by_name"], name)
            if record is None:
                raise InvalidActor(f"no person or group named {name!r} here")
            return Actor.from_record(record)
        async with self.pool.acquire() as conn:
            record = await conn.fetchrow(Q["find_remote_actor_by_handle"], name, host)
        if record is not None and not self._stale(record):
            return Actor.from_record(record)
        actor_uri = await resolve_handle(self.fetcher, handle, scheme=self.scheme)
        return await self.get_actor(actor_uri, refresh=True)

    async def lookup_key(self, key_id: str, refresh: bool) -> PublicKeyInfo | None:
        """The :data:`federation.verify.KeyLookup` of our inbox and authorized fetch."""
        now = time.monotonic()
        if not refresh:
            cached = self._keys.get(key_id)
            if cached and cached[0] > now:
                return cached[1]
        async with self.pool.acquire() as conn:
            record = await conn.fetchrow(Q["get_key_with_owner"], key_id)
        if record is not None and (record["local"] or not refresh or self._fresh(record)):
            return self._remember(key_id, record["owner_uri"], record["public_key_pem"], now)
        if self.urls.is_local(key_id):
            return None
        if self._failed.get(key_id, 0) > now:
            return None
        return await self._fetch_key(key_id, now)

    def _fresh(self, record: asyncpg.Record) -> bool:
        fetched: datetime | None = record["fetched_at"]
        interval = timedelta(seconds=self.policy.refresh_interval)
        return fetched is not None and fetched > datetime.now(UTC) - interval

    async def _fetch_key(self, key_id: str, now: float) -> PublicKeyInfo | None:
        try:
            document = await self.fetcher.fetch_document(key_id)
            owner_uri = document.url
            data = document.json
            if "inbox" not in data:  # a key document: its owner is the actor
                owner_uri = str(data.get("owner") or "")
                if not owner_uri or authority_of(owner_uri) != authority_of(key_id):
                    raise InvalidActor(f"key {key_id} names no owner on its own host")
                owner = await self.fetcher.fetch_document(owner_uri)
                owner_uri, data = owner.url, owner.json
            async with self.pool.acquire() as conn:
                await store_actor_document(conn, data, owner_uri)
                record = await conn.fetchrow(Q["get_key_with_owner"], key_id)
        except (FetchError, InvalidActor):
            self._failed[key_id] = now + self.policy.negative_ttl
            raise
        if record is None or record["owner_uri"] != owner_uri:
            # the owner does not list this key id as its own
            self._failed[key_id] = now + self.policy.negative_ttl
            return None
        self._failed.pop(key_id, None)
        return self._remember(key_id, owner_uri, record["public_key_pem"], now, cached=False)

    def _remember(
        self, key_id: str, owner_uri: str, pem: str, now: float, *, cached: bool = True
    ) -> PublicKeyInfo:
        info = PublicKeyInfo(key_id, owner_uri, pem, from_cache=cached)
        self._keys[key_id] = (now + 3600, PublicKeyInfo(key_id, owner_uri, pem, from_cache=True))
        self._keys.move_to_end(key_id)
        while len(self._keys) > self.policy.memory_keys:
            self._keys.popitem(last=False)
        return info

    def forget_key(self, key_id: str) -> None:
        self._keys.pop(key_id, None)

    async def software_of(self, domain: str) -> str | None:
        """The NodeInfo ``software.name`` of a server (cached a day; None when unknown)."""
        async with self.pool.acquire() as conn:
            record = await conn.fetchrow(Q["get_instance"], domain)
        max_age = timedelta(seconds=self.policy.nodeinfo_max_age)
        fetched = record["nodeinfo_fetched_at"] if record else None
        if fetched is not None and fetched > datetime.now(UTC) - max_age:
            return record["software_name"] if record else None
        try:
            software = await fetch_software(self.fetcher, f"{self.scheme}://{domain}")
            name, version = software.name, software.version
        except FetchError:
            name, version = None, None
        async with self.pool.acquire() as conn:
            await conn.execute(Q["upsert_instance_software"], domain, name, version)
        return name
