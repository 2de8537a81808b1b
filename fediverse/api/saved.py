"""A person's saved posts: bookmarks (docs.joinmastodon.org/methods/bookmarks, and
``POST /api/v1/statuses/:id/bookmark|unbookmark``) and the favourites list
(``/methods/favourites``), each paged by when it was saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import bookmarks
from community.statuses import Entry, Page
from community.storage.database import Conn
from fediverse.api.auth import require
from fediverse.api.common import (
    answer,
    entry_of,
    path_id,
    render_entries,
    render_posts,
    visible_ids,
    visible_post,
)
from fediverse.api.params import link_header, read_page, read_params
from fediverse.web.state import context

Mark = Callable[[Conn, int, int], Awaitable[None]]
Listing = Callable[[Conn, int, Page], Awaitable[list[tuple[int, int]]]]


async def _mark(request: Request, mark: Mark) -> Response:
    caller = await require(request, "write:bookmarks")
    async with context(request).pool.acquire() as conn:
        entry = await entry_of(conn, path_id(request))
        post = await visible_post(conn, entry.post_id, caller.actor)
        await mark(conn, caller.person.id, post.id)
        rendered = await render_entries(
            request, conn, [Entry(post.id, post.id, None)], caller.actor
        )
    return answer(rendered[0])


async def bookmark(request: Request) -> Response:
    return await _mark(request, bookmarks.bookmark)


async def unbookmark(request: Request) -> Response:
    return await _mark(request, bookmarks.unbookmark)


async def _saved(request: Request, scope: str, listing: Listing) -> Response:
    caller = await require(request, scope)
    page = read_page(await read_params(request))
    async with context(request).pool.acquire() as conn:
        pairs = await listing(conn, caller.person.id, page)
        seen = set(await visible_ids(conn, [post_id for _, post_id in pairs], caller.actor))
        rendered = await render_posts(
            request, conn, [p for _, p in pairs if p in seen], caller.actor
        )
    by_id = {status["id"]: status for status in rendered}
    ordered = [by_id[str(post_id)] for _, post_id in pairs if str(post_id) in by_id]
    return answer(ordered, link_header(request, [cursor for cursor, _ in pairs]))


async def bookmarked(request: Request) -> Response:
    return await _saved(request, "read:bookmarks", bookmarks.bookmarked)


async def favourited(request: Request) -> Response:
    return await _saved(request, "read:favourites", bookmarks.favourited)


routes = [
    Route("/api/v1/statuses/{id}/bookmark", bookmark, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unbookmark", unbookmark, methods=["POST"]),
    Route("/api/v1/bookmarks", bookmarked, methods=["GET"]),
    Route("/api/v1/favourites", favourited, methods=["GET"]),
]
