"""Storing verified activities durably before answering 202, many requests per commit.

Concurrent inbox requests hand their rows to the :class:`Intake`, which writes whatever has
gathered in ONE ``INSERT … SELECT FROM unnest(…)`` and wakes each request once its row is
committed. Nothing is answered 202 before its row is in PostgreSQL; under light load a batch is
one row and costs what a lone insert costs, under heavy load the commits are shared.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from community.storage.queries import load_queries
from outbox import mark_host_alive

Q = load_queries("inbox")


@dataclass(frozen=True, slots=True)
class IncomingItem:
    activity_uri: str
    activity_type: str
    actor_uri: str
    recipient_id: int | None
    body: str
    verified_by: str
    key_id: str
    host: str


class Intake:
    """Batches inbox inserts: at most ``max_flushes`` statements in flight at once."""

    def __init__(self, pool: asyncpg.Pool, max_batch: int = 256, max_flushes: int = 2) -> None:
        self.pool = pool
        self.max_batch = max_batch
        self._waiting: list[tuple[IncomingItem, asyncio.Future[bool]]] = []
        self._slots = asyncio.Semaphore(max_flushes)
        self._tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, item: IncomingItem) -> bool:
        """Store ``item``; True when it was new, False for a duplicate. Raises what the
        database raised, in which case nothing was stored for it."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if len(self._waiting) == 1:
            task = asyncio.get_running_loop().create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        async with self._slots:
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: len(batch)]
                await self._flush(batch)

    async def _flush(self, batch: list[tuple[IncomingItem, asyncio.Future[bool]]]) -> None:
        items = [item for item, _ in batch]
        try:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(Q["enqueue_many"], *_columns(items))
                # signed requests show their hosts are up: deliveries to them may resume
                await mark_host_alive(conn, *{item.host for item in items})
        except Exception as exc:  # every request of the batch learns it failed
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        new = {row["activity_uri"] for row in rows}
        for item, future in batch:
            if not future.done():
                future.set_result(item.activity_uri in new)
                new.discard(item.activity_uri)  # a duplicate within the batch is a duplicate


def _columns(items: list[IncomingItem]) -> tuple[list[object], ...]:
    """The ``enqueue_many`` arrays, one per column, in the statement's order."""
    return (
        [i.activity_uri for i in items],
        [i.activity_type for i in items],
        [i.actor_uri for i in items],
        [i.recipient_id for i in items],
        [i.body for i in items],
        [i.verified_by for i in items],
        [i.key_id for i in items],
    )
