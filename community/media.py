"""Media attachments: members' uploads, kept clean in the media store, and the attachments of
posts from elsewhere, linked where they live.

An upload (:func:`upload`) is checked and cleaned by :mod:`community.imaging` before anything
is stored: a refusal stores nothing. Its files go to the media store first, then its row; if
the row cannot be written the files are removed again. It waits, unattached, until a status
carries it (:func:`attach`); only its uploader may describe or attach it.

Others' attachments are **linked, not proxied**: a post from elsewhere keeps the URLs its
server gave (``http``/``https`` only), and apps load them from there. We never fetch them, so
they open no way into our network (no SSRF), cost no storage, and we never re-serve content
we did not check; the price is that viewers' apps ask the remote server, and a picture is
gone when its server deletes it (as the post would be).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from community.actors import Actor
from community.errors import InvalidInput
from community.imaging import Limits, Picture, Processed, process
from community.mediastore import MediaStore, MediaStoreError, new_folder
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

MAX_ATTACHMENTS = 4
MAX_DESCRIPTION = 1500
MAX_REMOTE_URL = 2048
# Images decoded at once per process: each may take a few hundred megabytes.
_DECODING = threading.BoundedSemaphore(2)
_KINDS = {"image": "image", "video": "video", "audio": "audio"}
_AS2_KINDS = {"Image": "image", "Video": "video", "Audio": "audio", "Document": "unknown"}


@dataclass(frozen=True)
class Media(Row):
    id: int
    account_id: int
    post_id: int | None
    position: int
    type: str
    content_type: str
    url: str
    preview_url: str | None
    file_key: str | None
    preview_key: str | None
    preview_content_type: str | None
    file_size: int | None
    width: int | None
    height: int | None
    preview_width: int | None
    preview_height: int | None
    blurhash: str | None
    description: str
    focus_x: float | None
    focus_y: float | None
    local: bool
    created_at: datetime


def _process(data: bytes, limits: Limits) -> Processed:
    with _DECODING:
        return process(data, limits)


async def upload(
    conn: Conn,
    store: MediaStore,
    owner: Actor,
    data: bytes,
    limits: Limits,
    *,
    description: str = "",
    focus: tuple[float, float] | None = None,
) -> Media:
    """Check, clean and keep an upload of ``owner``'s (:class:`~community.imaging.ImageRefused`
    when it is refused: nothing is stored then)."""
    check_description(description)
    made = await asyncio.to_thread(_process, data, limits)
    folder = new_folder()
    keys = (
        f"{folder}/original.{made.original.format.extension}",
        f"{folder}/small.{made.preview.format.extension}",
    )
    await _put(store, keys, (made.original, made.preview))
    try:
        return await _insert(conn, store, owner, made, keys, description, focus)
    except BaseException:
        await asyncio.gather(*(store.delete(k) for k in keys), return_exceptions=True)
        raise


async def _put(store: MediaStore, keys: tuple[str, str], pictures: tuple[Picture, Picture]) -> None:
    try:
        for key, picture in zip(keys, pictures, strict=True):
            await store.put(key, picture.data, picture.format.media_type)
    except MediaStoreError:
        await asyncio.gather(*(store.delete(k) for k in keys), return_exceptions=True)
        raise


async def _insert(
    conn: Conn,
    store: MediaStore,
    owner: Actor,
    made: Processed,
    keys: tuple[str, str],
    description: str,
    focus: tuple[float, float] | None,
) -> Media:
    original, preview = made.original, made.preview
    media = await fetch_row(
        conn,
        Media,
        Q["insert_media"],
        owner.id,
        "image",
        original.format.media_type,
        store.url_of(keys[0]),
        store.url_of(keys[1]),
        *keys,
        preview.format.media_type,
        len(original.data),
        original.width,
        original.height,
        preview.width,
        preview.height,
        made.blurhash,
        description,
        *(focus or (None, None)),
    )
    assert media is not None
    return media


def check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"a description may be at most {MAX_DESCRIPTION} characters")


def parse_focus(value: str | None) -> tuple[float, float] | None:
    """Mastodon's ``focus``: ``"x,y"``, each from -1.0 to 1.0."""
    if value is None or not value.strip():
        return None
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError:
        raise InvalidInput("focus must be two numbers, x,y") from None
    if not (-1 <= x <= 1 and -1 <= y <= 1):
        raise InvalidInput("focus must be between -1.0 and 1.0")
    return x, y


async def find_own_media(conn: Conn, owner: Actor, media_id: int) -> Media | None:
    return await fetch_row(conn, Media, Q["get_media_of_account"], media_id, owner.id)


async def describe(
    conn: Conn, media: Media, description: str, focus: tuple[float, float] | None
) -> Media:
    check_description(description)
    fx, fy = focus if focus is not None else (media.focus_x, media.focus_y)
    described = await fetch_row(conn, Media, Q["describe_media"], media.id, description, fx, fy)
    assert described is not None
    return described


async def attachable(conn: Conn, owner: Actor, media_ids: Sequence[int]) -> list[Media]:
    """``owner``'s uploads of these ids, in order, none carried by another post yet."""
    if len(media_ids) > MAX_ATTACHMENTS:
        raise InvalidInput(f"a post may carry at most {MAX_ATTACHMENTS} attachments")
    rows = await conn.fetch(Q["get_media_by_ids"], list(media_ids))
    found = {m.id: m for m in map(Media.from_record, rows) if m.account_id == owner.id}
    missing = [i for i in media_ids if i not in found]
    if missing or len(set(media_ids)) != len(media_ids):
        raise InvalidInput(f"no such media here to attach: {missing or media_ids}")
    return [found[i] for i in media_ids]


async def attach(conn: Conn, post_id: int, owner: Actor, media: Sequence[Media]) -> None:
    """``post_id`` carries exactly ``media`` (others it carried are let go)."""
    ids = [m.id for m in media]
    await conn.execute(Q["detach_media_except"], post_id, ids)
    attached = await conn.fetch(Q["attach_media"], post_id, owner.id, ids)
    if len(attached) != len(ids):
        raise InvalidInput("an attachment is already carried by another post")


async def media_of_posts(conn: Conn, post_ids: Sequence[int]) -> dict[int, list[Media]]:
    found: dict[int, list[Media]] = {}
    for record in await conn.fetch(Q["media_of_posts"], list(post_ids)):
        media = Media.from_record(record)
        assert media.post_id is not None
        found.setdefault(media.post_id, []).append(media)
    return found


async def media_by_ids(conn: Conn, media_ids: Sequence[int]) -> list[Media]:
    rows = {
        r["id"]: Media.from_record(r) for r in await conn.fetch(Q["get_media_by_ids"], media_ids)
    }
    return [rows[i] for i in media_ids if i in rows]


async def find_media_file(conn: Conn, key: str) -> str | None:
    """The content type of a stored file (an original or a preview), or None."""
    content_type: str | None = await conn.fetchval(Q["find_media_file"], key)
    return content_type


def to_as2(media: Media) -> dict[str, Any]:
    """An upload as our posts carry it: Mastodon's ``Document`` with ``blurhash``, the size
    and the focal point (``app/serializers/activitypub/note_serializer.rb``)."""
    document: dict[str, Any] = {
        "type": "Document",
        "mediaType": media.content_type,
        "url": media.url,
        "name": media.description or None,
        "blurhash": media.blurhash,
        "width": media.width,
        "height": media.height,
    }
    if media.focus_x is not None and media.focus_y is not None:
        document["focalPoint"] = [media.focus_x, media.focus_y]
    return document


async def link_remote(conn: Conn, post_id: int, author_id: int, raw: dict[str, Any]) -> None:
    """The attachments of a post from elsewhere, as rows that link to them."""
    await conn.execute(Q["detach_media_except"], post_id, [])
    for position, item in enumerate(remote_attachments(raw)):
        await conn.execute(Q["insert_remote_media"], author_id, post_id, position, *item)


def remote_attachments(raw: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``insert_remote_media``'s values (from ``type`` on) of each attachment we can show."""
    items = raw.get("attachment")
    found: list[tuple[Any, ...]] = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict) and len(found) < MAX_ATTACHMENTS:
            values = _remote_values(item)
            if values is not None:
                found.append(values)
    return found


def _remote_values(item: dict[str, Any]) -> tuple[Any, ...] | None:
    types = item.get("type")
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    as2_kind = next((_AS2_KINDS[n] for n in names if n in _AS2_KINDS), None)
    url = _href(item.get("url"))
    if as2_kind is None or url is None:
        return None  # a Link (Lemmy's link posts), or nothing we could show
    content_type = item.get("mediaType")
    content_type = content_type[:100] if isinstance(content_type, str) else ""
    kind = _KINDS.get(content_type.split("/")[0], as2_kind)
    name = item.get("name")
    hash_ = item.get("blurhash")
    focus = item.get("focalPoint")
    fx, fy = (focus[0], focus[1]) if isinstance(focus, list) and _is_focus(focus) else (None, None)
    return (
        kind,
        content_type or "application/octet-stream",
        url,
        _href(item.get("icon")) or (url if kind == "image" else None),
        _dimension(item.get("width")),
        _dimension(item.get("height")),
        hash_ if isinstance(hash_, str) and 6 <= len(hash_) <= 100 else None,
        name[:MAX_DESCRIPTION] if isinstance(name, str) else "",
        fx,
        fy,
    )


def _href(value: Any) -> str | None:
    """An http(s) URL from a string, a ``Link``/``Image`` with ``href``/``url``, or a list."""
    if isinstance(value, list):
        return next((h for h in map(_href, value) if h), None)
    if isinstance(value, dict):
        return _href(value.get("href") or value.get("url"))
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value if len(value) <= MAX_REMOTE_URL else None
    return None


def _dimension(value: Any) -> int | None:
    return value if isinstance(value, int) and 0 < value < 1_000_000 else None


def _is_focus(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and -1 <= v <= 1 for v in value)
    )
