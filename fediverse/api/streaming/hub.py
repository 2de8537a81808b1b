"""The streaming side of one web process: its connected clients and the events it hears.

One :class:`~community.events.Listener` (one ``LISTEN`` session) per process hands each event
to a queue; one task takes them in order, plans them (:mod:`.plan`) with one pooled
connection, and puts each frame on its client's own queue, which the client's connection
drains. A client that falls :data:`~.clients.QUEUE_FRAMES` frames behind is disconnected
rather than slowing the others; events heard with no client connected cost nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import asyncpg

from community.events import Event, Listener
from community.metrics import (
    STREAMING_EVENTS,
    STREAMING_FRAMES,
    STREAMING_PLAN_DURATION,
)
from community.urls import Urls
from fediverse.api.streaming.clients import Index
from fediverse.api.streaming.plan import plan

log = logging.getLogger(__name__)

#: events waiting to be planned before new ones are dropped (and counted)
BACKLOG = 10_000
LISTEN_TIMEOUT = 10.0


class Hub:
    def __init__(self, pool: asyncpg.Pool, urls: Urls) -> None:
        self.pool = pool
        self.urls = urls
        self.index = Index()
        self.listener = Listener(pool, self._heard)
        self.dropped = 0
        self.planned = 0
        #: seconds spent planning the last event (look-ups and rendering)
        self.last_plan_seconds = 0.0
        self._events: asyncio.Queue[Event] = asyncio.Queue(BACKLOG)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def _heard(self, event: Event) -> None:
        if not self.index.clients:
            return
        try:
            self._events.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1
            STREAMING_EVENTS.labels("dropped").inc()

    async def start(self) -> None:
        """Listen, and plan what is heard; returns once the ``LISTEN`` is in place."""
        self._tasks = [
            asyncio.create_task(self.listener.run(self._stop)),
            asyncio.create_task(self._dispatch_all()),
        ]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(LISTEN_TIMEOUT):
                await self.listener.listening.wait()

    async def aclose(self) -> None:
        self._stop.set()
        for task in self._tasks[1:]:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _dispatch_all(self) -> None:
        while True:
            await self.dispatch(await self._events.get())

    async def dispatch(self, event: Event) -> int:
        """Plan ``event`` and hand its frames to the clients; how many frames."""
        if event.kind == "revoke":
            self.index.revoke(event.token_id, event.recipient_id)
            return 0
        started = time.perf_counter()
        try:
            async with self.pool.acquire() as conn:
                deliveries = await plan(conn, self.urls, self.index, event)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("streaming: event %s not planned: %s", event.encode(), exc)
            return 0
        for client, frame in deliveries:
            client.offer(frame)
        self.planned += 1
        self.last_plan_seconds = time.perf_counter() - started
        STREAMING_EVENTS.labels("planned").inc()
        STREAMING_FRAMES.inc(len(deliveries))
        STREAMING_PLAN_DURATION.observe(self.last_plan_seconds)
        return len(deliveries)
