"""What the inbox tells the outbox about hosts: a host that speaks to us is up."""

from __future__ import annotations

from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("outbox")


async def mark_host_alive(conn: Conn, *hosts: str) -> None:
    """These hosts sent us signed requests: they are up, so clear "unavailable" and breakers.

    Costs one indexed ``UPDATE`` that writes nothing when there is nothing to clear, so the
    inbox may call it for every batch of verified requests.
    """
    await conn.execute(Q["mark_host_alive"], sorted({host.lower() for host in hosts}))
