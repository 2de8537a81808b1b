"""``/api/v1/notifications`` (docs.joinmastodon.org/methods/notifications): list with
``types[]``/``exclude_types[]`` and pagination, show, dismiss, clear."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import notifications as notes
from community.statuses import load_bundle
from community.storage.database import Conn
from fediverse.api.auth import require
from fediverse.api.common import answer, path_id
from fediverse.api.entities import JSON, render_notification
from fediverse.api.errors import not_found
from fediverse.api.params import link_header, read_page, read_params
from fediverse.web.state import context


async def _render(
    request: Request, conn: Conn, found: list[notes.Notification], viewer_id: int
) -> list[JSON]:
    bundle = await load_bundle(
        conn, [n.post_id for n in found if n.post_id], [n.from_actor_id for n in found], viewer_id
    )
    urls = context(request).urls
    rendered = [render_notification(n, bundle, urls, viewer_id) for n in found]
    return [r for r in rendered if r is not None]


async def index(request: Request) -> Response:
    caller = await require(request, "read:notifications")
    params = await read_params(request)
    page = read_page(params, default_limit=40, max_limit=80)
    kinds = [k for k in params.list("types") if k in notes.KINDS] or None
    if params.list("types") and kinds is None:
        return answer([])
    async with context(request).pool.acquire() as conn:
        excluded = params.list("exclude_types")
        found = await notes.list_notifications(
            conn, caller.person.id, page, kinds=kinds, excluded=excluded
        )
        rendered = await _render(request, conn, found, caller.person.id)
    return answer(rendered, link_header(request, [n.id for n in found]))


async def show(request: Request) -> Response:
    caller = await require(request, "read:notifications")
    async with context(request).pool.acquire() as conn:
        found = await notes.get_notification(conn, path_id(request), caller.person.id)
        rendered = await _render(request, conn, [found] if found else [], caller.person.id)
    if not rendered:
        raise not_found()
    return answer(rendered[0])


async def dismiss(request: Request) -> Response:
    caller = await require(request, "write:notifications")
    async with context(request).pool.acquire() as conn:
        if not await notes.dismiss(conn, path_id(request), caller.person.id):
            raise not_found()
    return answer({})


async def clear(request: Request) -> Response:
    caller = await require(request, "write:notifications")
    async with context(request).pool.acquire() as conn:
        await notes.clear(conn, caller.person.id)
    return answer({})


routes = [
    Route("/api/v1/notifications", index, methods=["GET"]),
    Route("/api/v1/notifications/clear", clear, methods=["POST"]),
    Route("/api/v1/notifications/{id}", show, methods=["GET"]),
    Route("/api/v1/notifications/{id}/dismiss", dismiss, methods=["POST"]),
]
