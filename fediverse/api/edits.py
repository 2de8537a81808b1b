"""Editing a status: ``PUT /api/v1/statuses/:id``, its ``/history`` and ``/source``
(docs.joinmastodon.org/methods/statuses, ``StatusEdit`` and ``StatusSource`` entities).

An edit takes ``status``, ``spoiler_text``, ``sensitive``, ``language``, ``media_ids`` (absent:
the attachments stay) and ``media_attributes`` (``id``, ``description``, ``focus`` of its
attachments); the visibility stays. A poll's options cannot be changed.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor
from community.edits import Version, history
from community.errors import InvalidInput
from community.media import (
    Media,
    describe,
    find_own_media,
    media_by_ids,
    media_of_posts,
    parse_focus,
)
from community.posts import Post
from community.statuses import load_accounts
from community.storage.database import Conn
from fediverse.api.attachments import render_media
from fediverse.api.auth import optional, require
from fediverse.api.common import answer, path_id, render_posts, visible_post
from fediverse.api.entities import JSON, iso, render_account
from fediverse.api.errors import NOT_ALLOWED, ApiError, invalid
from fediverse.api.params import Params, read_params
from fediverse.api.statuses import read_composition, source_text
from fediverse.web.state import context
from outbox.edits import edit, visibility_of


async def update(request: Request) -> Response:
    caller = await require(request, "write:statuses")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        post = await visible_post(conn, path_id(request), caller.actor)
        if post.author_id != caller.person.id:
            raise ApiError(403, NOT_ALLOWED)
        await _describe_media(conn, caller.person, post, params)
        carried = (await media_of_posts(conn, [post.id])).get(post.id, [])
        text, composition, group = await read_composition(
            request,
            conn,
            caller.person,
            params,
            visibility=visibility_of(post),
            media=tuple(carried),
            language=post.language,
        )
        try:
            await edit(conn, ctx.urls, caller.person, post, text, composition, group=group)
        except InvalidInput as exc:
            raise invalid(str(exc)) from None
        rendered = await render_posts(request, conn, [post.id], caller.actor)
    return answer(rendered[0])


async def _describe_media(conn: Conn, person: Actor, post: Post, params: Params) -> None:
    """``media_attributes[]``: new descriptions (and focus) of the post's own attachments."""
    attributes = params.get("media_attributes")
    items = attributes if isinstance(attributes, list) else []
    for item in items if "media_attributes" in params else []:
        if not isinstance(item, dict) or not str(item.get("id", "")).isdigit():
            raise invalid("media_attributes need the id of an attachment")
        media = await find_own_media(conn, person, int(item["id"]))
        if media is None or media.post_id not in (None, post.id):
            raise invalid(f"no such attachment: {item['id']}")
        try:
            description = item.get("description")
            focus = parse_focus(item.get("focus"))
            text = description if isinstance(description, str) else media.description
            await describe(conn, media, text, focus)
        except InvalidInput as exc:
            raise invalid(str(exc)) from None


async def edits(request: Request) -> Response:
    """Every version, the first as published, the last as it is now (``StatusEdit``s)."""
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    async with context(request).pool.acquire() as conn:
        post = await visible_post(conn, path_id(request), viewer)
        versions = await history(conn, post)
        accounts = await load_accounts(conn, [post.author_id])
        ids = [i for v in versions for i in v.media_ids]
        media = {m.id: m for m in await media_by_ids(conn, ids)}
    account = render_account(accounts[post.author_id], context(request).urls)
    return answer(
        [
            {
                "content": _content(v),
                "spoiler_text": v.summary or "",
                "sensitive": v.sensitive,
                "created_at": iso(v.created_at),
                "account": account,
                "poll": _poll_options(v.raw),
                "media_attachments": _media_then(v, media),
                "emojis": [],
            }
            for v in versions
        ]
    )


def _media_then(version: Version, media: dict[int, Media]) -> list[JSON]:
    """The version's attachments with the descriptions they had then (as its note says)."""
    documents = version.raw.get("attachment")
    names = [d.get("name") if isinstance(d, dict) else None for d in documents or []]
    rendered = []
    for position, media_id in enumerate(i for i in version.media_ids if i in media):
        shown = render_media(media[media_id])
        then = names[position] if position < len(names) else None
        shown["description"] = then if isinstance(then, str) else shown["description"]
        rendered.append(shown)
    return rendered


def _content(version: Version) -> str:
    """The version's HTML, its title first when it has one (as statuses show it)."""
    title = version.raw.get("name") if version.raw.get("type") in ("Page", "Article") else None
    if isinstance(title, str) and title.strip():
        return f"<p><strong>{html.escape(title.strip())}</strong></p>{version.content_html}"
    return version.content_html


def _poll_options(raw: dict[str, Any]) -> JSON | None:
    items = raw.get("oneOf") or raw.get("anyOf")
    if raw.get("type") != "Question" or not isinstance(items, list):
        return None
    names = [i.get("name") for i in items if isinstance(i, dict)]
    return {"options": [{"title": n} for n in names if isinstance(n, str)]}


async def source(request: Request) -> Response:
    caller = await require(request, "read:statuses")
    async with context(request).pool.acquire() as conn:
        post = await visible_post(conn, path_id(request), caller.actor)
    return answer(
        {"id": str(post.id), "text": source_text(post), "spoiler_text": post.summary or ""}
    )


routes = [
    Route("/api/v1/statuses/{id}", update, methods=["PUT"]),
    Route("/api/v1/statuses/{id}/history", edits, methods=["GET"]),
    Route("/api/v1/statuses/{id}/source", source, methods=["GET"]),
]
