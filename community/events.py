"""Live events for the streaming API, carried by PostgreSQL ``LISTEN``/``NOTIFY``.

A writer calls :func:`publish` inside the transaction that stores a status, a share, an edit, a
deletion or a notification (the repository functions of :mod:`community.posts` and
:mod:`community.notifications` do it for every caller). PostgreSQL hands the notification to
every listening session when the transaction commits, and never if it rolls back, so a web
process streams nothing that was not stored. Each web process holds one :class:`Listener`.

A payload carries ids only, e.g. ``{"k":"status","p":12,"e":34,"s":5}`` (about 40 bytes,
against ``NOTIFY``'s limit of 8000): the listener looks up and renders what it streams, once
per event and process, with each client's own view (visibility, blocks, mutes, favourites).
Delivery is at most once: events published while a listener reconnects are not replayed, as
with Mastodon's Redis pub/sub (apps re-read the timeline when they reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import asyncpg
import orjson

from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")
log = logging.getLogger(__name__)

CHANNEL = "fediverse_events"
KEEPALIVE_SECONDS = 30.0

#: ``status``: a new timeline entry (a post, or a share of one); ``edit``: a post changed;
#: ``delete``: an entry is gone; ``notification``: a person here was notified; ``revoke``: a
#: token (or every token of a person) stopped working, so its streams end (Mastodon's ``kill``).
Kind = Literal["status", "edit", "delete", "notification", "revoke"]
KINDS: frozenset[str] = frozenset({"status", "edit", "delete", "notification", "revoke"})


@dataclass(frozen=True, slots=True)
class Event:
    kind: Kind
    post_id: int = 0
    #: the timeline entry: the post's own id, or a share's
    entry_id: int = 0
    #: who shared the post, for a share
    sharer_id: int | None = None
    notification_id: int = 0
    #: who is notified; for ``revoke``, whose tokens all stopped (0: one token)
    recipient_id: int = 0
    token_id: int = 0

    def encode(self) -> str:
        if self.kind == "notification":
            data: dict[str, Any] = {"k": self.kind, "n": self.notification_id}
            data["r"] = self.recipient_id
        elif self.kind == "revoke":
            data = {"k": self.kind, "t": self.token_id, "r": self.recipient_id}
        else:
            data = {"k": self.kind, "p": self.post_id, "e": self.entry_id or self.post_id}
            if self.sharer_id is not None:
                data["s"] = self.sharer_id
        return orjson.dumps(data).decode()

    @classmethod
    def decode(cls, payload: str) -> Event | None:
        """The event a payload stands for; None for anything else on the channel."""
        try:
            data = orjson.loads(payload)
            kind = data["k"]
            if kind not in KINDS:
                return None
            if kind == "notification":
                return cls(kind, notification_id=int(data["n"]), recipient_id=int(data["r"]))
            if kind == "revoke":
                return cls(kind, token_id=int(data["t"]), recipient_id=int(data["r"]))
            sharer = data.get("s")
            return cls(
                kind,
                post_id=int(data["p"]),
                entry_id=int(data["e"]),
                sharer_id=None if sharer is None else int(sharer),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None


def new_entry(post_id: int, entry_id: int | None = None, sharer_id: int | None = None) -> Event:
    return Event("status", post_id=post_id, entry_id=entry_id or post_id, sharer_id=sharer_id)


def entry_gone(post_id: int, entry_id: int | None = None, sharer_id: int | None = None) -> Event:
    return Event("delete", post_id=post_id, entry_id=entry_id or post_id, sharer_id=sharer_id)


def token_revoked(token_id: int) -> Event:
    return Event("revoke", token_id=token_id)


def person_barred(actor_id: int) -> Event:
    """Every token of a person stopped working (revoked, or the person suspended)."""
    return Event("revoke", recipient_id=actor_id)


async def publish(conn: Conn, event: Event) -> None:
    """Tell every listening process about ``event`` when the caller's transaction commits."""
    await conn.execute(Q["publish_event"], CHANNEL, event.encode())


class Listener:
    """One process's ``LISTEN`` session: hands each event to ``deliver`` (which must not block)
    and, when the session is lost, listens again on a fresh connection after ``retry`` s."""

    def __init__(
        self, pool: asyncpg.Pool, deliver: Callable[[Event], None], *, retry: float = 1.0
    ) -> None:
        self.pool = pool
        self.deliver = deliver
        self.retry = retry
        self.listening = asyncio.Event()
        self._lost = asyncio.Event()

    def _notified(self, connection: Any, pid: int, channel: str, payload: object) -> None:
        event = Event.decode(str(payload))
        if event is not None:
            self.deliver(event)

    def _terminated(self, connection: Any) -> None:
        self._lost.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._listen_until(stop)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("event listener: %s; listening again shortly", exc)
            self.listening.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.retry):
                    await stop.wait()

    async def _listen_until(self, stop: asyncio.Event) -> None:
        self._lost.clear()
        async with self.pool.acquire() as conn:
            conn.add_termination_listener(self._terminated)
            await conn.add_listener(CHANNEL, self._notified)
            self.listening.set()
            try:
                while not (stop.is_set() or self._lost.is_set()):
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(KEEPALIVE_SECONDS):
                            await _first_of(stop.wait(), self._lost.wait())
                    if not (stop.is_set() or self._lost.is_set()):
                        # a session lost without a word (a dead network) fails here
                        async with asyncio.timeout(KEEPALIVE_SECONDS):
                            await conn.fetchval(Q["listener_ping"])
            finally:
                conn.remove_termination_listener(self._terminated)
                if not conn.is_closed():
                    with contextlib.suppress(OSError, asyncpg.PostgresError):
                        await conn.remove_listener(CHANNEL, self._notified)


async def _first_of(*waits: Any) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
