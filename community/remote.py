"""Actors of other servers: fetched safely, validated, stored, and their keys cached.

The rules (DESIGN.md §5, issue "federation/: … remote actors we can trust"):

* An actor is fetched with :class:`federation.fetch.Fetcher` (signed GET, SSRF guard, limits,
  ``id`` = final URL) and stored with its keys, inbox, shared inbox and collections.
* Every id and URL of an actor document must be one :mod:`federation.origins` accepts (no
  userinfo, http(s) only); the inbox and collections we would deliver to or fetch, or the
  document is refused.
* A key is believed only from its owner's own document: the owner lists exactly that key id,
  on the owner's origin. A standalone key document (Fedify's ``CryptographicKey``) only points
  at its owner, which must be on the key's origin; nothing else in it is believed.
* Keys are cached in PostgreSQL (``actor_keys``) and in memory. After a failed verification
  the key is fetched again at once (a rotation is accepted on its first request, as
  Mastodon's ``signature_verification.rb`` refetches the actor and Fedify's ``verifyRequest``
  refetches once); a flood of forged signatures costs few fetches: one fetch per key id at a
  time (concurrent look-ups share it), no forced refresh of a key id within
  :attr:`RemotePolicy.min_refresh_interval` of the last one, and failed look-ups remembered
  for :attr:`RemotePolicy.negative_ttl` (negative cache).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urldefrag

import asyncpg

from community.actors import Actor
from community.errors import FediverseError
from community.html import sanitize_html
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.urls import Urls
from federation.errors import (
    FederationError,
    FetchError,
    InvalidKey,
    UnownedKey,
    VocabularyError,
)
from federation.fetch import Fetcher
from federation.keys import load_public_key
from federation.nodeinfo import fetch_software
from federation.origins import authority_of as _authority_of
from federation.origins import is_valid_url, same_origin
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
    min_refresh_interval: float = 30.0  # no second forced re-fetch of a key id within 30 s
    negative_ttl: float = 120.0  # remember a failed key look-up for 2 minutes
    actor_max_age: float = 86400.0  # re-fetch stored actors older than a day
    nodeinfo_max_age: float = 86400.0
    memory_keys: int = 10_000


def authority_of(uri: str) -> str:
    """``host[:port]`` of a URI, normalised (how we name other servers); raises
    :class:`~federation.errors.InvalidURL` for anything that is not an http(s) URL we accept.

    Kept for its callers; comparisons should use :func:`federation.origins.same_origin`.
    """
    return _authority_of(uri)


def _url_or_none(value: str | None) -> str | None:
    return value if is_valid_url(value) else None


def _checked_urls(doc: ActorDocument, uri: str) -> dict[str, str | None]:
    """The URLs we deliver to or fetch from; a document with one we refuse is refused."""
    urls = {
        "inbox": doc.inbox,
        "sharedInbox": doc.shared_inbox_uri,
        "outbox": doc.outbox,
        "followers": id_of(doc.followers),
        "following": id_of(doc.following),
        "featured": id_of(doc.featured),
        "moderators": doc.moderators_uri,
    }
    if not is_valid_url(uri):
        raise InvalidActor(f"{uri!r} is not an actor id we accept")
    if not is_valid_url(doc.inbox):
        raise InvalidActor(f"{uri} has no usable inbox")
    for name, value in urls.items():
        if value is not None and not is_valid_url(value):
            raise InvalidActor(f"{uri} has an unusable {name}: {value!r}")
    return urls


def actor_row_values(doc: ActorDocument, uri: str) -> list[Any]:
    """The ``upsert_remote_actor`` parameters for a validated actor document."""
    actor_type = next((t for t in doc.type_names() if t in STORED_TYPES), None)
    if actor_type is None:
        raise InvalidActor(f"{uri} has type {doc.type!r}, not an actor type we store")
    urls = _checked_urls(doc, uri)
    username = doc.preferred_username or uri.rstrip("/").rsplit("/", 1)[-1]
    icon = doc.icon[0] if isinstance(doc.icon, list) and doc.icon else doc.icon
    restricted = bool(doc.posting_restricted_to_mods)
    aliases = doc.also_known_as
    aliases = [aliases] if isinstance(aliases, str) else list(aliases or [])
    return [
        uri,
        actor_type,
        username[:100],
        authority_of(uri),
        (doc.name or "")[:200],
        sanitize_html(doc.summary or ""),
        _url_or_none(id_of(doc.url) if doc.url else None),
        _url_or_none(_image_url(icon)),
        urls["inbox"],
        urls["sharedInbox"],
        urls["outbox"],
        urls["followers"],
        urls["following"],
        urls["featured"],
        urls["moderators"] if actor_type == "Group" else None,
        bool(doc.manually_approves_followers),
        doc.discoverable is not False,
        "moderators" if restricted else "members",
        doc.raw_json,
        _url_or_none(doc.moved_to),
        [a for a in aliases if is_valid_url(a)],
    ]


def _image_url(icon: Any) -> str | None:
    if isinstance(icon, str):
        return icon
    url = getattr(icon, "url", None)
    return id_of(url) if url is not None else None


def published_keys(doc: ActorDocument, uri: str) -> list[tuple[str, str]]:
    """(key id, PEM) of each key the actor lists as its own and that we can load.

    A key id must be on the actor's own origin: an actor of one server cannot claim (and so
    squat) the key id of an actor of another.
    """
    keys = []
    for key in doc.public_keys():
        if not key.id or not key.public_key_pem or (key.owner and key.owner != uri):
            continue
        if not same_origin(key.id, uri):
            continue
        try:
            load_public_key(key.public_key_pem)
        except InvalidKey:
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


V = TypeVar("V")


class _Expiring(Generic[V]):
    """A bounded map whose entries expire (the oldest go first when it is full): failed
    look-ups and recent refreshes, which a flood of made-up key ids must not grow forever."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._max = max_entries

    def get(self, key: str, now: float) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, key: str, value: V, until: float) -> None:
        self._entries[key] = (until, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)


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
        self._failed: _Expiring[FederationError] = _Expiring(self.policy.memory_keys)
        self._refreshed: _Expiring[bool] = _Expiring(self.policy.memory_keys)
        self._fetching: dict[str, asyncio.Future[PublicKeyInfo]] = {}

    async def get_actor(self, uri: str, *, refresh: bool = False) -> Actor:
        """The stored actor at ``uri``, fetched (again) when unknown, stale or asked to."""
        if not is_valid_url(uri):
            raise InvalidActor(f"{uri!r} is not an actor id we accept")
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
        """The :data:`federation.verify.KeyLookup` of our inbox and authorized fetch.

        ``refresh`` (a signature failed against the key we had) fetches the owner again,
        unless this key id was refreshed within :attr:`RemotePolicy.min_refresh_interval`.
        Raises :class:`~federation.errors.FetchError` (the key could not be fetched) or
        :class:`~federation.errors.UnownedKey` (its owner does not list it).
        """
        if not is_valid_url(key_id):
            return None
        now = time.monotonic()
        if not refresh:
            cached = self._keys.get(key_id)
            if cached and cached[0] > now:
                return cached[1]
        async with self.pool.acquire() as conn:
            record = await conn.fetchrow(Q["get_key_with_owner"], key_id)
        recent = refresh and self._refreshed.get(key_id, now) is not None
        if record is not None and (record["local"] or not refresh or recent):
            return self._remember(key_id, record["owner_uri"], record["public_key_pem"], now)
        if self.urls.is_local(key_id):
            return None
        failure = self._failed.get(key_id, now)
        if failure is not None:
            raise failure.with_traceback(None)
        return await self._fetch_key_once(key_id, refresh)

    async def _fetch_key_once(self, key_id: str, refresh: bool) -> PublicKeyInfo:
        """One fetch per key id at a time: concurrent look-ups wait for the same one."""
        pending = self._fetching.get(key_id)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch_key(key_id, refresh))
            self._fetching[key_id] = pending
            pending.add_done_callback(lambda done: self._fetched(key_id, done))
        return await asyncio.shield(pending)

    def _fetched(self, key_id: str, done: asyncio.Future[PublicKeyInfo]) -> None:
        self._fetching.pop(key_id, None)
        if not done.cancelled():
            done.exception()  # retrieved here, whoever else awaits it

    async def _fetch_key(self, key_id: str, refresh: bool) -> PublicKeyInfo:
        now = time.monotonic()
        if refresh:
            self._refreshed.put(key_id, True, now + self.policy.min_refresh_interval)
        try:
            owner_uri, pem = await self._fetch_owner_key(key_id)
        except (FetchError, UnownedKey) as exc:
            self._failed.put(key_id, exc, now + self.policy.negative_ttl)
            raise
        self._failed.pop(key_id)
        return self._remember(key_id, owner_uri, pem, now, cached=False)

    async def _fetch_owner_key(self, key_id: str) -> tuple[str, str]:
        """Fetch the key's owner and store it; (owner, PEM) when the owner lists the key."""
        document = await self.fetcher.fetch_document(key_id)
        owner_uri, data = document.url, document.json
        if "inbox" not in data:  # a key document: it only points at its owner
            owner_uri = id_of(data.get("owner")) or ""
            if not same_origin(owner_uri, key_id):
                raise UnownedKey("a key document names an owner on another origin", url=key_id)
            owner = await self.fetcher.fetch_document(owner_uri)
            owner_uri, data = owner.url, owner.json
        try:
            async with self.pool.acquire() as conn:
                await store_actor_document(conn, data, owner_uri)
                record = await conn.fetchrow(Q["get_key_with_owner"], key_id)
        except InvalidActor as exc:
            reason = "the key's owner is not an actor we accept"
            raise UnownedKey(reason, url=key_id, detail=str(exc)) from None
        if record is None or record["owner_uri"] != owner_uri:
            raise UnownedKey(f"{owner_uri} does not list this key as its own", url=key_id)
        return owner_uri, record["public_key_pem"]

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
        except FederationError:  # unreachable, or NodeInfo of the wrong shape
            name, version = None, None
        async with self.pool.acquire() as conn:
            await conn.execute(Q["upsert_instance_software"], domain, name, version)
        return name
