"""The inbox worker: claims queued activities and hands each to its handler.

Items are claimed in batches with ``FOR UPDATE SKIP LOCKED`` and one actor's items are
processed in order; a claim older than the
visibility timeout is picked up again, so a worker killed mid-item loses nothing. Each item
gets a processing timeout; transient failures are retried with back-off, the rest recorded.
``run_once()`` lets tests step the worker by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from community.context import AppContext, Starter
from community.storage.queries import load_queries
from federation.delivery import compute_backoff
from federation.errors import FetchError, VocabularyError
from inbox.dispatch import dispatch
from inbox.errors import Refused, Transient

log = logging.getLogger(__name__)
RETRYABLE = (Transient, FetchError, TimeoutError, OSError, asyncpg.PostgresConnectionError)
Q = load_queries("inbox")


@dataclass(frozen=True)
class InboxWorkerSettings:
    batch_size: int = 16
    visibility_timeout: float = 300.0
    processing_timeout: float = 60.0
    max_attempts: int = 8
    poll_interval: float = 2.0


def retry_delay(attempts: int) -> float:
    """Seconds to wait after failed attempt ``attempts``: the delivery queue's curve
    (:func:`federation.delivery.compute_backoff`, Sidekiq's with Mastodon's jitter): before
    jitter 15 s, 16 s, 31 s, 1.5 min, 4.5 min, 11 min, 22 min between the 8 attempts."""
    return compute_backoff(attempts, random.random()).total_seconds()  # noqa: S311 - jitter


class InboxWorker:
    def __init__(self, ctx: AppContext, settings: InboxWorkerSettings | None = None) -> None:
        self.ctx = ctx
        self.settings = settings or InboxWorkerSettings()
        self._wake = asyncio.Event()

    async def run_once(self) -> int:
        """Claim one batch and process it; the number of items processed."""
        async with self.ctx.pool.acquire() as conn:
            items = await conn.fetch(
                Q["claim"], self.settings.batch_size, self.settings.visibility_timeout
            )
        # One actor's activities in the order they came (a Create before the author's own
        # Like of it, as Lemmy sends them); different actors side by side.
        # (UPDATE … RETURNING gives rows in storage order, not the subquery's: sort by id.)
        by_actor: dict[str, list[asyncpg.Record]] = {}
        for item in sorted(items, key=lambda record: record["id"]):
            by_actor.setdefault(item["actor_uri"], []).append(item)
        await asyncio.gather(*(self._process_in_order(group) for group in by_actor.values()))
        return len(items)

    async def _process_in_order(self, items: list[asyncpg.Record]) -> None:
        for item in items:
            await self.process(item)

    async def run_until_idle(self, max_rounds: int = 100) -> int:
        """Process until nothing is due (tests); the number of items processed."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            total += done
            if not done:
                break
        return total

    async def process(self, item: asyncpg.Record) -> None:
        state, note, delay = await self._outcome(item)
        async with self.ctx.pool.acquire() as conn:
            if delay is None:
                await conn.execute(Q["finish"], item["id"], state, note)
            else:
                await conn.execute(Q["retry_later"], item["id"], note, delay)

    async def _outcome(self, item: asyncpg.Record) -> tuple[str, str | None, float | None]:
        kind = item["activity_type"]
        try:
            async with asyncio.timeout(self.settings.processing_timeout):
                note = await dispatch(self.ctx, item)
        except Refused as exc:
            return "ignored", str(exc), None
        except RETRYABLE as exc:
            return self._retry(item, f"{type(exc).__name__}: {exc}")
        except VocabularyError as exc:
            return "failed", f"invalid activity: {exc}", None
        except Exception as exc:  # a bug: keep the item, say why, go on with the others
            log.exception("inbox item %s (%s) failed", item["id"], kind)
            return "failed", f"{type(exc).__name__}: {exc}"[:2000], None
        return "processed", note, None

    def _retry(self, item: asyncpg.Record, note: str) -> tuple[str, str | None, float | None]:
        if item["attempts"] >= self.settings.max_attempts:
            return "failed", f"gave up after {item['attempts']} attempts: {note}", None
        return "received", note, retry_delay(item["attempts"])

    async def run(self, stop: asyncio.Event) -> None:
        """Process until ``stop`` is set, woken by NOTIFY or by polling."""
        listener = await self._listen()
        try:
            while not stop.is_set():
                try:
                    done = await self.run_once()
                except (OSError, asyncpg.PostgresError):
                    log.exception("inbox worker: database trouble, retrying shortly")
                    done = 0
                if done:
                    continue
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.poll_interval):
                        await _first(self._wake.wait(), stop.wait())
        finally:
            if listener is not None:
                with contextlib.suppress(OSError, asyncpg.PostgresError):
                    await listener.remove_listener("inbox_items", self._notified)
                await self.ctx.pool.release(listener)

    def _notified(self, *args: object) -> None:
        self._wake.set()

    async def _listen(self) -> PoolConnectionProxy | None:
        try:
            conn = await self.ctx.pool.acquire()
            await conn.add_listener("inbox_items", self._notified)
        except (OSError, asyncpg.PostgresError):
            return None
        return conn


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
