"""Ordered collections of our actors, paged by keyset (DESIGN.md §4; ActivityPub §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson

from community.render import AS_CONTEXT
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

PAGE_SIZE = 20
_MAX_CURSOR = 2**63 - 1

CollectionName = Literal["followers", "following", "outbox", "modlog"]


@dataclass(frozen=True)
class PageRequest:
    """Where a page starts: before ``max_id`` (older, the default) or after ``min_id``."""

    max_id: int | None = None
    min_id: int | None = None


async def render_collection(
    conn: Conn, name: CollectionName, owner_id: int, uri: str
) -> dict[str, Any]:
    total = await conn.fetchval(Q[f"count_{name}"], owner_id)
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": total,
        "first": f"{uri}?page=true",
    }
    if name == "outbox":
        # Lemmy backfills a community from the outbox's own orderedItems (its GroupOutbox
        # has no paging: LemmyNet/lemmy crates/apub/assets/lemmy/collections/group_outbox.json),
        # so the newest page is inline too; others follow `first`.
        rows = await conn.fetch(Q["outbox_before"], owner_id, _MAX_CURSOR, PAGE_SIZE)
        doc["orderedItems"] = [_item(row["item"]) for row in rows]
    return doc


async def render_page(
    conn: Conn,
    name: CollectionName,
    owner_id: int,
    uri: str,
    page: PageRequest,
) -> dict[str, Any]:
    if page.min_id is not None:
        rows = list(await conn.fetch(Q[f"{name}_after"], owner_id, page.min_id, PAGE_SIZE))
        rows.reverse()
    else:
        cursor = _MAX_CURSOR if page.max_id is None else page.max_id
        rows = list(await conn.fetch(Q[f"{name}_before"], owner_id, cursor, PAGE_SIZE))
    items = [_item(row["item"]) for row in rows]
    this = f"{uri}?page=true" + (
        f"&min_id={page.min_id}"
        if page.min_id is not None
        else f"&max_id={page.max_id}"
        if page.max_id is not None
        else ""
    )
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": this,
        "type": "OrderedCollectionPage",
        "partOf": uri,
        "orderedItems": items,
    }
    if rows and (len(rows) == PAGE_SIZE or page.min_id is not None):
        doc["next"] = f"{uri}?page=true&max_id={rows[-1]['cursor']}"
    if rows and (page.max_id is not None or page.min_id is not None):
        doc["prev"] = f"{uri}?page=true&min_id={rows[0]['cursor']}"
    return doc


def _item(value: Any) -> Any:
    # Outbox items are stored activity JSON text, modlog items JSON already; others are URIs.
    if isinstance(value, str) and value.startswith("{"):
        return orjson.loads(value)
    return value


async def render_moderators(conn: Conn, group_id: int, uri: str) -> dict[str, Any]:
    """Lemmy reads a group's moderators inline from ``orderedItems`` (no paging)."""
    moderators = [row["uri"] for row in await conn.fetch(Q["list_moderators"], group_id)]
    return render_inline(uri, moderators)


def render_inline(uri: str, items: list[Any]) -> dict[str, Any]:
    """A short collection with its items inline (moderators, pinned posts)."""
    return {
        "@context": AS_CONTEXT,
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }


def render_empty(uri: str) -> dict[str, Any]:
    return render_inline(uri, [])
