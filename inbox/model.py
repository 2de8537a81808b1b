"""What a handler sees (a :class:`Received` activity, its :class:`Transaction`) and what it
says it did (an :data:`Outcome`, from a closed set that :mod:`inbox.dispatch` acts on).

The closed set of outcomes:

* :class:`Done`: acted on (stored, updated, followed, answered, moved…); nothing for a group of
  ours to announce.
* :class:`Ignored`: nothing to do (we never had it, it is already so); recorded as processed,
  with ``ignored: REASON``.
* :class:`Reshare`: done in group G: G announces the received activity to its followers
  (wrapped, FEP-1b12), and boosts object X to microblogs (a new thread) or withdraws its boost
  of X (a removed thread). Dispatch decides whether G announces (G is ours, and has not
  announced this activity yet) and calls the outbox.
* :class:`Enacted`: a moderator's act on group G, carried out by :mod:`outbox.governance`:
  G sends what the act calls for (its FEP-1b12 announce of the act, an ``Undo{Announce}``
  of a removed thread for microblogs, its own ``Update{Group}``…), through
  :func:`outbox.governance.distribute`, once.
* :class:`Reported`: a report filed for group G's moderators (those here notified): G
  forwards the ``Flag`` to the servers of its remote moderators, and only those.
* :class:`Several`: one outcome per group, for a post addressed to several of our groups.
* :class:`Unwrapped`: a group's ``Announce`` held an activity; dispatch handles the inner one
  as if its author had sent it.

A refusal (someone may not do this; we will not act on it) is raised, not returned:
:class:`~inbox.errors.Refused` rolls back whatever the handler wrote, and comes as readily from
a helper several calls deep (an actor that cannot be fetched, an object from another origin).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from asyncpg.transaction import Transaction as PgTransaction

from community.actors import Actor
from community.remote import authority_of
from community.storage.database import Conn
from federation.vocabulary import Activity, ASObject, parse_activity
from outbox.governance import Applied


@dataclass(frozen=True)
class Received:
    """One verified activity from the queue (or unwrapped from a group's announce).

    ``activity`` is the parsed vocabulary model; ``body`` the exact text received, which a
    group's FEP-1b12 wrap embeds byte-exact; :attr:`json` the JSON object beside the model.
    ``vouched_by`` is the authority whose signature vouches for the embedded objects: the
    sender's host for a delivered activity; the announcing group's host for one it wrapped.
    Objects whose id is on another host are fetched from their origin, never trusted.
    """

    activity: Activity
    body: str
    activity_uri: str
    activity_type: str
    actor_uri: str
    vouched_by: str
    item_id: int | None = None
    recipient_id: int | None = None
    local: bool = False
    # set when this activity was unwrapped from an Announce by a (remote) group
    via_group_uri: str | None = None
    announce_uri: str | None = None
    attempts: int = 1
    # set when one of our own communities announced this activity to a community of ours that
    # bridges it: handled when that community took it in, only the bridges act on it now
    handled_at_source: bool = False

    @classmethod
    def from_item(cls, record: asyncpg.Record) -> Received:
        """The queued item, parsed (:class:`~federation.errors.VocabularyError` if it is not
        an activity we can read)."""
        return cls(
            activity=parse_activity(record["body"]),
            body=record["body"],
            activity_uri=record["activity_uri"],
            activity_type=record["activity_type"],
            actor_uri=record["actor_uri"],
            vouched_by=authority_of(record["actor_uri"]),
            item_id=record["id"],
            recipient_id=record["recipient_id"],
            local=record["verified_by"] == "local",
            attempts=record["attempts"],
        )

    @property
    def json(self) -> dict[str, Any]:
        """The activity's JSON object, as received."""
        raw = self.activity.raw_json
        assert raw is not None  # a top-level parse keeps it
        return raw

    @property
    def object(self) -> str | ASObject | None:
        """The (first) object: an id, or the embedded object as a model."""
        value = self.activity.object
        return (value[0] if value else None) if isinstance(value, list) else value

    @property
    def object_json(self) -> Any:
        """The (first) object as received: an id, a JSON object, or None."""
        value = self.json.get("object")
        return (value[0] if value else None) if isinstance(value, list) else value


def json_of(obj: ASObject) -> dict[str, Any]:
    """The JSON object a top-level parse (:func:`~federation.vocabulary.parse_object`) read."""
    raw = obj.raw_json
    assert raw is not None
    return raw


@dataclass(frozen=True, slots=True)
class Done:
    note: str


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str


@dataclass(frozen=True, slots=True)
class Reshare:
    """Done in ``group``: it announces the received activity, and ``boost`` or ``unboost``.

    A bridged post (docs/bridges.md) names the community it came from (``origin``); a reply
    made in a bridged thread is announced to its source community too (``also_to``). A thread
    announces the ``Create`` activities of our replies that waited for it (``joined``: their
    ids; :func:`outbox.waiting.take_in_waiting`).
    """

    group: Actor
    note: str
    boost: str | None = None
    unboost: str | None = None
    origin: str | None = None
    also_to: tuple[Actor, ...] = ()
    joined: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Enacted:
    """A moderator's act carried out in ``group``: dispatch has the group distribute it."""

    group: Actor
    note: str
    applied: Applied


@dataclass(frozen=True, slots=True)
class Reported:
    """A report filed for ``group``'s moderators: dispatch has the group forward it."""

    group: Actor
    note: str


@dataclass(frozen=True, slots=True)
class Several:
    outcomes: tuple[Done | Reshare | Enacted | Ignored, ...]


@dataclass(frozen=True, slots=True)
class Unwrapped:
    inner: Received


Outcome = Done | Ignored | Reshare | Enacted | Reported | Several | Unwrapped


class Transaction:
    """An inbox item's one transaction: what its handler writes and the announces dispatch
    makes of it commit together, or not at all.

    A handler first gathers what it needs from the network (actors, objects from their origin)
    with no transaction open, then :meth:`begin` gives it the connection it writes with (the
    same one each time); from then on it uses no other. Dispatch commits when the handler and
    the announces returned, and rolls back when anything raised.
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._conn: PoolConnectionProxy | None = None
        self._transaction: PgTransaction | None = None

    async def begin(self) -> Conn:
        if self._conn is None:
            conn = await self._pool.acquire()
            self._conn = conn
            self._transaction = conn.transaction()
            await self._transaction.start()
        return self._conn

    async def __aenter__(self) -> Transaction:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._conn is None or self._transaction is None:
            return
        try:
            if exc_type is None:
                await self._transaction.commit()
            else:
                await self._transaction.rollback()
        finally:
            await self._pool.release(self._conn)
