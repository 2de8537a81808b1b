"""Worker processes: the delivery loop in `serve` (a starter) or alone (`fediverse worker`).

Any number of `fediverse worker` processes, on any number of machines, may run against one
PostgreSQL: they share the queue through ``FOR UPDATE SKIP LOCKED`` claims and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable

from community.context import AppContext, open_context
from community.settings import Settings
from fediverse.logs import setup_logging
from fediverse.runtime import database, open_pool, served_urls
from inbox.worker import InboxWorker
from outbox.config import WorkerConfig
from outbox.worker import DeliveryWorker

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard] (not on Windows)
    uvloop = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


async def start_delivery_worker(ctx: AppContext) -> Callable[[], Awaitable[None]]:
    """A starter for `serve`: the delivery loop as a task of the web server's event loop."""
    stop = asyncio.Event()
    worker = DeliveryWorker(
        ctx.pool, WorkerConfig.from_settings(ctx.settings), ctx.is_domain_allowed
    )
    task = asyncio.create_task(_run_logged(worker, stop), name="delivery-worker")

    async def stop_worker() -> None:
        stop.set()
        await task

    return stop_worker


async def run_worker_process(settings: Settings, stop: asyncio.Event) -> None:
    """The whole life of one `fediverse worker` process (inbox and delivery workers), until
    ``stop`` is set."""
    async with database(settings, announce=True) as db:
        urls = await served_urls(settings, db.url)
        config = WorkerConfig.from_settings(settings)
        pool = await open_pool(db.url, max_size=8)
        try:
            ctx = await open_context(settings, urls, pool)
            # long-lived start-up objects out of the collector's way (as `serve` does)
            gc.collect()
            gc.freeze()
            log.info("inbox and delivery workers started")
            try:
                await asyncio.gather(
                    _run_logged(DeliveryWorker(pool, config, ctx.is_domain_allowed), stop),
                    InboxWorker(ctx).run(stop),
                )
            finally:
                await ctx.aclose()
        finally:
            await pool.close()
        log.info("workers stopped")


async def _run_logged(worker: DeliveryWorker, stop: asyncio.Event) -> None:
    """Run the loop; after an unexpected error, log it and start again a moment later."""
    while not stop.is_set():
        try:
            await worker.run(stop)
        except Exception:
            log.exception("delivery worker failed; restarting in 1 s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)


def main_worker(settings: Settings) -> None:
    """Run one worker process until SIGTERM or SIGINT (then finish or give back its claims)."""
    setup_logging(settings.log_level, settings.log_format)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_worker_process(settings, stop)

    if uvloop is None:  # pragma: no cover - uvloop comes with uvicorn[standard]
        asyncio.run(main())
    else:
        uvloop.run(main())
