"""A received activity as handlers see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from community.remote import authority_of


@dataclass(frozen=True)
class Received:
    """One verified activity from the queue (or unwrapped from a group's announce).

    ``vouched_by`` is the authority whose signature vouches for the embedded objects: the
    sender's host for a delivered activity; the announcing group's host for one it wrapped.
    Objects whose id is on another host are fetched from their origin, never trusted.
    """

    activity_uri: str
    activity_type: str
    actor_uri: str
    body: str
    activity: dict[str, Any]
    vouched_by: str
    item_id: int | None = None
    recipient_id: int | None = None
    local: bool = False
    # set when this activity was unwrapped from an Announce by a (remote) group
    via_group_uri: str | None = None
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_item(cls, record: asyncpg.Record) -> Received:
        activity = orjson.loads(record["body"])
        return cls(
            activity_uri=record["activity_uri"],
            activity_type=record["activity_type"],
            actor_uri=record["actor_uri"],
            body=record["body"],
            activity=activity,
            vouched_by=authority_of(record["actor_uri"]),
            item_id=record["id"],
            recipient_id=record["recipient_id"],
            local=record["verified_by"] == "local",
            attempts=record["attempts"],
        )

    @property
    def object(self) -> Any:
        return self.activity.get("object")
