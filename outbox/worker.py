"""The delivery worker: claim due rows, sign them in threads, POST them, record outcomes.

``run_once()`` does one claim → deliver → record round and returns (tests step it by hand);
``run()`` pipelines the same steps until asked to stop: it holds a lease for its whole life
(:mod:`outbox.lease`: its claims die with its process), claims again as soon as there is
room, wakes on ``NOTIFY fediverse_deliveries`` (sent when a fan-out commits) or on a short
poll, takes back dead workers' claims on each poll, records outcomes in batches, and on stop
finishes what is in flight (up to a grace period) and gives back what it never attempted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import asyncpg

from community import metrics
from federation.delivery import DeliveryOutcome, Verdict, classify_delivery
from federation.delivery_client import HttpClients
from federation.delivery_signing import (
    PendingRequest,
    PreparedActivity,
    SigningKey,
    host_header_of,
    sign_requests,
)
from federation.errors import DeliveryError
from federation.keys import load_private_key
from outbox import queue
from outbox.config import WorkerConfig
from outbox.lease import Lease, give_up_lease, take_lease
from outbox.queue import Claimed, Finished

log = logging.getLogger(__name__)
CHANNEL = "fediverse_deliveries"
_ACTIVITY_CACHE_SIZE = 512


_METRIC_OUTCOMES: dict[Verdict, metrics.DeliveryOutcome] = {
    Verdict.DELIVERED: "delivered",
    Verdict.GONE: "gone",
    Verdict.RETRY: "retrying",
    Verdict.REJECTED: "failed",
    Verdict.EXPIRED: "failed",
}


class DeliveryWorker:
    """One process's delivery loop over the shared queue in PostgreSQL."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        config: WorkerConfig,
        is_host_allowed: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        self.pool = pool
        self.config = config
        # the instance policy (domain blocks); asked for every claimed row, so a block also
        # stops what was queued before it
        self.is_host_allowed = is_host_allowed
        self._blocked: set[str] = set()
        self._open()
        self.finished: list[Finished] = []
        self.claimed: dict[int, Claimed] = {}
        self.delivered_total = 0
        self._activities: OrderedDict[int, PreparedActivity] = OrderedDict()
        self._keys: dict[int, SigningKey] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._random = random.Random()  # noqa: S311 - jitter, not secrets
        self._lease: Lease | None = None
        self._released_at = 0.0
        self._purged_at = 0.0

    def _open(self) -> None:
        """The HTTP clients and signing threads (again, after :meth:`close`)."""
        self.clients = HttpClients(
            allow_list=self.config.allow_list,
            limit_per_host=self.config.host_policy.connections,
        )
        self.executor = ThreadPoolExecutor(self.config.signing_threads, thread_name_prefix="sign")
        self._closed = False

    # -- one round, for tests and simple callers ------------------------------------------
    async def run_once(self) -> int:
        """Claim one batch, deliver all of it, record the outcomes; return how many rows."""
        await self._release_stale(force=True)
        claimed = await self._claim(self.config.batch_size)
        if claimed:
            await self._deliver(claimed)
        await self.flush()
        return len(claimed)

    # -- the long-running loop ------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; then finish or give back what is claimed."""
        if self._closed:  # started again after a failure (fediverse.worker restarts it)
            self._open()
        async with self.pool.acquire() as listener:
            self._lease = await take_lease(listener)
            await listener.add_listener(CHANNEL, self._notified)
            try:
                await self._loop(stop)
            finally:
                await self._shutdown()
                with contextlib.suppress(asyncpg.PostgresError, OSError):
                    await listener.remove_listener(CHANNEL, self._notified)
                    await give_up_lease(self._lease)
                self._lease = None

    async def _loop(self, stop: asyncio.Event) -> None:
        config = self.config
        last_flush = time.monotonic()
        more = True
        while not stop.is_set():
            self._wake.clear()
            if self._lease is not None:
                self._lease.check()
            await self._release_stale()
            free = config.concurrency - len(self.claimed)
            if more and free >= min(config.batch_size, config.concurrency // 4 or 1):
                claimed = await self._claim(min(free, config.batch_size))
                more = len(claimed) == min(free, config.batch_size)
                if claimed:
                    self._spawn(self._deliver(claimed))
            if self.finished and (
                len(self.finished) >= config.batch_size
                or time.monotonic() - last_flush >= config.flush_seconds
            ):
                await self.flush()
                last_flush = time.monotonic()
            if more and len(self.claimed) < config.concurrency:
                await asyncio.sleep(0)
                continue
            timeout = config.flush_seconds if self.finished else config.poll_seconds
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wait_for(stop)
            more = True

    async def _wait_for(self, stop: asyncio.Event) -> None:
        stopper = asyncio.ensure_future(stop.wait())
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({stopper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            waker.cancel()

    def _notified(self, *args: Any) -> None:
        self._wake.set()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _shutdown(self) -> None:
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=self.config.grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        await self.flush()
        unfinished = list(self.claimed.values())
        self.claimed.clear()
        async with self.pool.acquire() as conn:
            await queue.release(conn, unfinished)
        self.close()

    def close(self) -> None:
        self._closed = True
        self.clients.close()
        self.executor.shutdown(wait=False, cancel_futures=True)

    # -- steps ----------------------------------------------------------------------------
    async def _release_stale(self, *, force: bool = False) -> None:
        """Once per poll: take back dead workers' claims (their lease is gone) and stuck
        ones' (past the visibility timeout); now and then, purge old finished rows."""
        now = time.monotonic()
        if not force and now - self._released_at < self.config.poll_seconds:
            return
        self._released_at = now
        purge = force or now - self._purged_at > self.config.visibility_seconds / 4
        async with self.pool.acquire() as conn:
            released = await queue.release_stale_claims(conn, self.config.visibility_seconds)
            if purge:
                self._purged_at = now
                await queue.purge_finished(conn, self.config.keep_finished_days)
        if released:
            log.warning("took back %d delivery claim(s) of dead or stuck workers", released)

    async def _claim(self, limit: int) -> list[Claimed]:
        worker_id = self._lease.worker_id if self._lease is not None else None
        async with self.pool.acquire() as conn:
            claimed = await queue.claim(conn, limit, self.config.host_policy, worker_id)
            await self._load(conn, claimed)
        for item in claimed:
            self.claimed[item.id] = item
        return claimed

    async def _load(self, conn: Any, claimed: Sequence[Claimed]) -> None:
        """Fetch the bodies and keys this batch needs that are not cached yet."""
        activity_ids = {c.activity_id for c in claimed} - self._activities.keys()
        if activity_ids:
            for activity_id, (uri, body) in (
                await queue.fetch_activity_bodies(conn, sorted(activity_ids))
            ).items():
                self._activities[activity_id] = PreparedActivity.from_body(uri, body)
            while len(self._activities) > _ACTIVITY_CACHE_SIZE:
                self._activities.popitem(last=False)
        sender_ids = {c.sender_id for c in claimed} - self._keys.keys()
        if sender_ids:
            keys = await queue.fetch_signing_keys(conn, sorted(sender_ids))
            for actor_id, (key_id, pem) in keys.items():
                # keys we generated and stored ourselves: skip the ~40 ms validation
                self._keys[actor_id] = SigningKey(key_id, load_private_key(pem, trusted=True))

    async def _deliver(self, claimed: Sequence[Claimed]) -> None:
        """Sign in chunks on the thread pool; POST each request as soon as it is signed."""
        ready: list[tuple[Claimed, PendingRequest]] = []
        blocked = self._blocked = await self._blocked_hosts({item.host for item in claimed})
        for item in claimed:
            pending = self._prepare(item, blocked)
            if pending is not None:
                ready.append((item, pending))
        chunk = self.config.sign_chunk
        await asyncio.gather(
            *(self._sign_and_post(ready[i : i + chunk]) for i in range(0, len(ready), chunk))
        )

    async def _blocked_hosts(self, hosts: set[str]) -> set[str]:
        """The hosts of a batch that the instance policy blocks, asked all at once: the
        decisions share one read of the rules' version (``community.policy``), where asking one
        host after another would cost a round trip each."""
        if self.is_host_allowed is None:
            return set()
        ordered = sorted(hosts)
        verdicts = await asyncio.gather(*(self.is_host_allowed(host) for host in ordered))
        return {host for host, allowed in zip(ordered, verdicts, strict=True) if not allowed}

    def _prepare(self, item: Claimed, blocked: set[str]) -> PendingRequest | None:
        activity = self._activities.get(item.activity_id)
        key = self._keys.get(item.sender_id)
        if item.host in blocked:
            self._reject(item, "delivery to this host is blocked")
        elif activity is None or key is None:
            self._reject(item, "activity or signing key missing")
        else:
            try:
                _client, target = self.clients.for_url(item.inbox_uri)
            except DeliveryError as exc:
                self._reject(item, str(exc))
                return None
            host_header = host_header_of(item.inbox_uri)
            return PendingRequest(host_header, target, activity, key, item.scheme, item.inbox_uri)
        return None

    def _reject(self, item: Claimed, reason: str) -> None:
        self._finish(item, DeliveryOutcome(Verdict.REJECTED, reason))

    async def _sign_and_post(self, chunk: list[tuple[Claimed, PendingRequest]]) -> None:
        loop = asyncio.get_running_loop()
        requests = await loop.run_in_executor(
            self.executor, sign_requests, [pending for _, pending in chunk]
        )
        await asyncio.gather(
            *(self._post(item, request) for (item, _), request in zip(chunk, requests, strict=True))
        )

    async def _post(self, item: Claimed, request: bytes) -> None:
        client, _ = self.clients.for_url(item.inbox_uri)
        status, retry_after, kind, error, excerpt = None, None, None, None, None
        try:
            response = await client.post(request, self.config.timeout_seconds)
        except DeliveryError as exc:
            kind, error = exc.kind, str(exc)
        else:
            status, retry_after = response.status, response.retry_after
            if not 200 <= status < 300:
                excerpt = response.excerpt.decode("utf-8", "replace") or None
        outcome = classify_delivery(
            status,
            kind,
            {"retry-after": retry_after} if retry_after else {},
            item.attempts,  # this attempt included
            datetime.now(UTC),
            self._random.random(),
            max_attempts=self.config.max_attempts,
        )
        self._finish(item, outcome, status, error, excerpt)

    def _finish(
        self,
        item: Claimed,
        outcome: DeliveryOutcome,
        status: int | None = None,
        error: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        self.claimed.pop(item.id, None)
        self.finished.append(Finished(item, outcome, status, error, excerpt))
        blocked = item.host in self._blocked
        metrics.record_delivery("blocked" if blocked else _METRIC_OUTCOMES[outcome.verdict])
        if outcome.verdict is Verdict.DELIVERED:
            self.delivered_total += 1
        self._wake.set()

    async def flush(self) -> None:
        """Record every finished attempt in one transaction."""
        batch, self.finished = self.finished, []
        if not batch:
            return
        async with self.pool.acquire() as conn:
            unavailable = await queue.record(conn, batch, self.config.host_policy)
        for host in unavailable:
            log.warning("host %s is now unavailable: deliveries to it stop", host)
        self.clients.prune()
