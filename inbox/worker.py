"""The inbox worker: claims queued activities and hands each to its handler.

Items are claimed with ``FOR UPDATE SKIP LOCKED``, oldest first. One actor's items are handled
in the order they came (a Create before the author's own Like of it, as Lemmy sends them):
a claim takes at most a few items of one actor, and none of an actor that has an item in hand
anywhere, and a worker handles one actor's items one after the other; different actors' items
go side by side.

``run()`` is pipelined, as the delivery worker is: it keeps up to
:attr:`InboxWorkerSettings.concurrency` items in hand and claims again as soon as there is
room, so one slow item (a pathological post, a slow origin) holds up only the later items of
its own actor, never everyone else's. Each item has a time budget
(:attr:`InboxWorkerSettings.processing_timeout`), enforced around CPU-bound work too: the HTML
of posts is sanitised on a thread (:func:`community.posts.store_post`), so the event loop stays
free and the budget can fire; an item over budget is recorded ``failed``, not retried.
Transient failures are retried with back-off, the rest recorded. An item held by a worker
whose lease is gone (a process killed mid-item: :mod:`outbox.lease`) is picked up again at
once, one whose claim is older than the visibility timeout then, so a dead worker loses
nothing and holds up no actor for long; a worker asked to stop finishes what it has in hand (a
grace period) and gives back the rest. ``run_once()`` lets tests step the worker by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from community.context import AppContext, Starter
from community.storage.queries import load_queries
from federation.delivery import compute_backoff
from federation.errors import FetchError, VocabularyError
from inbox.dispatch import dispatch
from inbox.errors import Refused, Transient
from outbox.errors import OutboxError
from outbox.lease import LEASE_CLASS, Lease, take_lease

log = logging.getLogger(__name__)
RETRYABLE = (Transient, FetchError, TimeoutError, OSError, asyncpg.PostgresConnectionError)
Q = load_queries("inbox")
Verdict = tuple[str, str | None, float | None]


@dataclass(frozen=True)
class InboxWorkerSettings:
    batch_size: int = 16
    #: items in hand at once (claimed, not yet recorded)
    concurrency: int = 16
    #: at most this many items of one actor per claim (the rest wait their turn)
    per_actor: int = 4
    visibility_timeout: float = 300.0
    #: the time budget of one item
    processing_timeout: float = 60.0
    max_attempts: int = 8
    poll_interval: float = 2.0
    #: on stop, how long items in hand may take to finish before they are given back
    grace_seconds: float = 10.0


def retry_delay(attempts: int) -> float:
    """Seconds to wait after failed attempt ``attempts``: the delivery queue's curve
    (:func:`federation.delivery.compute_backoff`, Sidekiq's with Mastodon's jitter): before
    jitter 15 s, 16 s, 31 s, 1.5 min, 4.5 min, 11 min, 22 min between the 8 attempts."""
    return compute_backoff(attempts, random.random()).total_seconds()  # noqa: S311 - jitter


def chains_of(items: Iterable[asyncpg.Record]) -> list[list[asyncpg.Record]]:
    """The items by actor, each actor's in the order they came (``UPDATE … RETURNING`` gives
    rows in storage order, not the claim's: sort by id)."""
    by_actor: dict[str, list[asyncpg.Record]] = {}
    for item in sorted(items, key=lambda record: record["id"]):
        by_actor.setdefault(item["actor_uri"], []).append(item)
    return list(by_actor.values())


class InboxWorker:
    def __init__(self, ctx: AppContext, settings: InboxWorkerSettings | None = None) -> None:
        self.ctx = ctx
        self.settings = settings or InboxWorkerSettings()
        self._wake = asyncio.Event()
        self._in_hand: set[int] = set()
        self._chains: set[asyncio.Task[None]] = set()
        self._lease: Lease | None = None

    async def run_once(self) -> int:
        """Claim one batch and process it; the number of items processed."""
        items = await self._claim(self.settings.batch_size)
        await asyncio.gather(*(self._process_in_order(chain) for chain in chains_of(items)))
        return len(items)

    async def run_until_idle(self, max_rounds: int = 100) -> int:
        """Process until nothing is due (tests); the number of items processed."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            total += done
            if not done:
                break
        return total

    async def _claim(self, limit: int) -> list[asyncpg.Record]:
        settings = self.settings
        worker_id = self._lease.worker_id if self._lease is not None else None
        async with self.ctx.pool.acquire() as conn:
            items = await conn.fetch(
                Q["claim"],
                limit,
                settings.visibility_timeout,
                settings.per_actor,
                worker_id,
                LEASE_CLASS,
            )
        self._in_hand.update(item["id"] for item in items)
        return list(items)

    async def _process_in_order(self, items: list[asyncpg.Record]) -> None:
        for place, item in enumerate(items):
            try:
                await self.process(item)
            except Exception:  # the outcome could not be recorded (database trouble)
                log.exception("inbox worker: item %s could not be recorded", item["id"])
                # the rest of this actor's items come back after the visibility timeout
                self._in_hand.difference_update(later["id"] for later in items[place:])
                return

    async def process(self, item: asyncpg.Record) -> None:
        state, note, delay = await self._outcome(item)
        async with self.ctx.pool.acquire() as conn:
            if delay is None:
                await conn.execute(Q["finish"], item["id"], state, note)
            else:
                await conn.execute(Q["retry_later"], item["id"], note, delay)
        self._in_hand.discard(item["id"])

    async def _outcome(self, item: asyncpg.Record) -> Verdict:
        kind = item["activity_type"]
        budget = asyncio.timeout(self.settings.processing_timeout)
        try:
            async with budget:
                note = await dispatch(self.ctx, item)
        except Refused as exc:
            return "ignored", str(exc), None
        except TimeoutError as exc:
            if budget.expired():
                limit = self.settings.processing_timeout
                return "failed", f"over the time budget of one item ({limit:g} s)", None
            return self._retry(item, f"{type(exc).__name__}: {exc}")
        except RETRYABLE as exc:
            return self._retry(item, f"{type(exc).__name__}: {exc}")
        except VocabularyError as exc:
            return "failed", f"invalid activity: {exc}", None
        except Exception as exc:  # a bug: keep the item, say why, go on with the others
            log.exception("inbox item %s (%s) failed", item["id"], kind)
            return "failed", f"{type(exc).__name__}: {exc}"[:2000], None
        return "processed", note, None

    def _retry(self, item: asyncpg.Record, note: str) -> Verdict:
        if item["attempts"] >= self.settings.max_attempts:
            return "failed", f"gave up after {item['attempts']} attempts: {note}", None
        return "received", note, retry_delay(item["attempts"])

    # -- the long-running loop ------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Process until ``stop`` is set, claiming whenever there is room, woken by NOTIFY,
        by an actor's items being done, or by polling."""
        listener = await self._listen()
        try:
            while not stop.is_set():
                self._wake.clear()
                if self._lease is not None and not self._lease.alive:
                    log.warning("inbox worker: lease connection lost, taking a new one")
                    await self._release_listener(listener)
                    listener = await self._listen()
                if await self._claim_and_start():
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.poll_interval):
                        await _first(self._wake.wait(), stop.wait())
        finally:
            await self._shutdown()
            await self._release_listener(listener)

    async def _claim_and_start(self) -> bool:
        """Claim what there is room for and start each actor's chain; whether to go on at once
        (a full claim: more may be due)."""
        settings = self.settings
        room = settings.concurrency - len(self._in_hand)
        if room < max(1, min(settings.batch_size, settings.concurrency // 4)):
            return False
        limit = min(room, settings.batch_size)
        try:
            items = await self._claim(limit)
        except (OSError, asyncpg.PostgresError):
            log.exception("inbox worker: database trouble, retrying shortly")
            return False
        for chain in chains_of(items):
            task = asyncio.create_task(self._process_in_order(chain))
            self._chains.add(task)
            task.add_done_callback(self._chain_done)
        return len(items) == limit

    def _chain_done(self, task: asyncio.Task[None]) -> None:
        self._chains.discard(task)
        self._wake.set()  # room for more

    async def _shutdown(self) -> None:
        """Let what is in hand finish (a grace period), then give back what is left."""
        if self._chains:
            _, pending = await asyncio.wait(self._chains, timeout=self.settings.grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        left, self._in_hand = sorted(self._in_hand), set()
        if left:
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                async with self.ctx.pool.acquire() as conn:
                    await conn.execute(Q["release_claims"], left)

    def _notified(self, *args: object) -> None:
        self._wake.set()

    async def _listen(self) -> PoolConnectionProxy | None:
        """The connection this worker keeps: it LISTENs on it and holds its lease there (its
        claims die with it, :mod:`outbox.lease`)."""
        self._lease = None
        try:
            conn = await self.ctx.pool.acquire()
        except (OSError, asyncpg.PostgresError):
            return None
        try:
            await conn.add_listener("inbox_items", self._notified)
            self._lease = await take_lease(conn)
        except (OSError, asyncpg.PostgresError, OutboxError):
            log.warning("inbox worker: no lease; its claims wait for the visibility timeout")
        return conn

    async def _release_listener(self, listener: PoolConnectionProxy | None) -> None:
        self._lease = None
        if listener is None:
            return
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            await listener.remove_listener("inbox_items", self._notified)
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            await self.ctx.pool.release(listener)


async def _first(*waits: object) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]  # type: ignore[call-overload]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def inbox_starter(concurrency: int = 1) -> Starter:
    """The starter `fediverse serve` uses to run inbox workers in-process."""

    async def start(ctx: AppContext) -> Callable[[], Awaitable[None]]:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(InboxWorker(ctx).run(stop)) for _ in range(concurrency)]

        async def stop_all() -> None:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

        return stop_all

    return start
