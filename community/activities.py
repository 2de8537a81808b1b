"""The activities our actors sent, as stored: each served at its id, the newest one of a person
named in the ``Location`` of a client-to-server post. (They are written by ``outbox``.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")


@dataclass(frozen=True)
class StoredActivity(Row):
    """One row of ``activities``: the exact JSON text we serve and signed (``body``)."""

    id: int
    uri: str
    type: str
    actor_id: int
    object_uri: str | None
    body: str
    public: bool
    published: datetime
    form: str | None

    def json(self) -> dict[str, Any]:
        """The activity as we sent it, parsed."""
        parsed = orjson.loads(self.body)
        assert isinstance(parsed, dict)
        return parsed


async def find_activity(conn: Conn, uri: str) -> StoredActivity | None:
    return await fetch_row(conn, StoredActivity, Q["get_activity_by_uri"], uri)


async def latest_activity_uri(conn: Conn, actor_id: int) -> str | None:
    """The id of the last activity ``actor_id`` sent."""
    uri: str | None = await conn.fetchval(Q["latest_activity_of"], actor_id)
    return uri
