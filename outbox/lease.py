"""A worker's lease: its claims live exactly as long as its process does.

Every running delivery worker (and inbox worker) takes a number from the ``worker_leases``
sequence and holds the session advisory lock ``(LEASE_CLASS, number)`` on the connection it
keeps for its whole life (the one it LISTENs on); every row it claims carries the number
(``deliveries.claimed_by``, ``inbox_items.claimed_by``). When the process dies (SIGKILL, out
of memory, a lost machine), PostgreSQL ends its session and the lock goes with it, so the next
worker to look, or the same one restarted, sees the lease gone and takes the claims back at
once (:func:`outbox.queue.release_stale_claims`; the inbox's claim query), instead of after
the visibility timeout.

The visibility timeout stays, for a worker that lives but is stuck. Two live workers still
never send one row twice: a claim is only taken back when its lease is gone (or it is older
than the visibility timeout, which is longer than any request), and a finish whose
``claim_token`` no longer matches is ignored. A worker whose lease connection breaks while it
lives (a network cut) stops and starts again with a new lease (:class:`LeaseLost`); what it
had in flight at that moment may reach its inbox twice, which receivers de-duplicate by
activity id (delivery is at-least-once).

The lease needs a real session: a pooler in transaction mode (PgBouncer) would break it, as it
breaks LISTEN.
"""

from __future__ import annotations

from dataclasses import dataclass

from community.storage.database import Conn
from community.storage.queries import load_queries
from outbox.errors import OutboxError

Q = load_queries("outbox")

#: The first key of every lease's advisory lock ("delv"); the second is the worker's number.
LEASE_CLASS = 0x64656C76
_TRIES = 5


class LeaseLost(OutboxError):
    """The connection that held this worker's lease is gone: its claims may be taken back."""


@dataclass(frozen=True)
class Lease:
    """A live worker's number, held as a session advisory lock on ``conn``."""

    worker_id: int
    conn: Conn

    @property
    def alive(self) -> bool:
        return not self.conn.is_closed()

    def check(self) -> None:
        if not self.alive:
            raise LeaseLost(f"delivery worker {self.worker_id} lost its lease connection")


async def take_lease(conn: Conn) -> Lease:
    """A new number, locked for as long as ``conn``'s session lives (released with it, or
    when the pool resets the connection: asyncpg runs ``pg_advisory_unlock_all()``)."""
    for _ in range(_TRIES):
        worker_id = int(await conn.fetchval(Q["next_worker_id"]))
        if await conn.fetchval(Q["try_lease"], LEASE_CLASS, worker_id):
            return Lease(worker_id, conn)
    raise OutboxError("no free delivery worker number (the sequence wrapped onto live ones)")


async def give_up_lease(lease: Lease) -> None:
    """Unlock the lease (a worker that stops for good; its claims were given back first)."""
    if lease.alive:
        await lease.conn.execute(Q["end_lease"], LEASE_CLASS, lease.worker_id)
