"""Notifications: rows written when something happens to one of our people.

The inbox handlers call :func:`notify` (and :func:`notify_mentions` for posts) inside their
transaction, so a notification exists exactly when its cause was stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from community.events import Event, publish
from community.statuses import Page
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

Kind = Literal["follow", "follow_request", "mention", "reblog", "favourite"]
KINDS: tuple[Kind, ...] = ("follow", "follow_request", "mention", "reblog", "favourite")


@dataclass(frozen=True)
class Notification(Row):
    id: int
    recipient_id: int
    kind: str
    from_actor_id: int
    post_id: int | None
    created_at: datetime
    #: set for ``admin.report`` (a report for a group this person moderates)
    report_id: int | None = None


async def notify(
    conn: Conn, recipient_id: int, kind: Kind, from_actor_id: int, post_id: int | None = None
) -> None:
    """Tell ``recipient_id`` (if they are a person here) that ``from_actor_id`` did ``kind``;
    their connected apps hear of it when the caller's transaction commits."""
    query = Q["insert_notification"]
    found = await conn.fetchval(query, recipient_id, kind, from_actor_id, post_id)
    if found is not None:
        event = Event("notification", notification_id=found, recipient_id=recipient_id)
        await publish(conn, event)


async def notify_mentions(
    conn: Conn,
    post_id: int,
    author_id: int,
    addressed_uris: Iterable[str],
    parent_author_id: int | None = None,
) -> None:
    """A post that mentions (or replies to) our people notifies each of them once."""
    recipients = [r["id"] for r in await conn.fetch(Q["local_people_among"], list(addressed_uris))]
    if parent_author_id is not None:
        recipients.append(parent_author_id)
    for recipient_id in dict.fromkeys(recipients):
        await notify(conn, recipient_id, "mention", author_id, post_id)


async def list_notifications(
    conn: Conn,
    recipient_id: int,
    page: Page,
    *,
    kinds: Sequence[str] | None = None,
    excluded: Sequence[str] = (),
) -> list[Notification]:
    """A page of one person's notifications, newest first, of ``kinds`` (all when None)."""
    wanted = None if kinds is None else list(kinds)
    query = Q["list_notifications"]
    rows = await conn.fetch(query, recipient_id, *page.keyset, wanted, list(excluded))
    found = [Notification.from_record(r) for r in rows]
    return sorted(found, key=lambda n: n.id, reverse=True)


async def get_notification(
    conn: Conn, notification_id: int, recipient_id: int
) -> Notification | None:
    return await fetch_row(conn, Notification, Q["get_notification"], notification_id, recipient_id)


async def dismiss(conn: Conn, notification_id: int, recipient_id: int) -> bool:
    return await conn.fetchval(Q["dismiss_notification"], notification_id, recipient_id) is not None


async def clear(conn: Conn, recipient_id: int) -> None:
    await conn.execute(Q["clear_notifications"], recipient_id)
