"""``/api/v1/markers`` (docs.joinmastodon.org/methods/markers): where one stopped reading the
home timeline and the notifications, saved by one app and read back by another.

As Mastodon's ``Api::V1::MarkersController``: ``GET`` answers the timelines asked for
(``timeline[]=home&timeline[]=notifications``) that have a marker; ``POST`` takes
``home[last_read_id]`` and/or ``notifications[last_read_id]`` (form or JSON) and answers the
saved markers, each ``version`` one more than before.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.markers import TIMELINES, Marker, read_markers, save_marker
from fediverse.api.auth import require
from fediverse.api.common import answer
from fediverse.api.entities import JSON, iso
from fediverse.api.errors import invalid
from fediverse.api.params import Params, read_params
from fediverse.web.state import context


def render_marker(marker: Marker) -> JSON:
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": iso(marker.updated_at),
    }


async def index(request: Request) -> Response:
    caller = await require(request, "read:statuses")
    wanted = [t for t in (await read_params(request)).list("timeline") if t in TIMELINES]
    async with context(request).pool.acquire() as conn:
        found = await read_markers(conn, caller.person.id, wanted)
    return answer({m.timeline: render_marker(m) for m in found})


def _last_read(params: Params, timeline: str) -> int | None:
    """``timeline[last_read_id]`` as a form sends it, or ``{timeline: {last_read_id}}``."""
    value = params.get(f"{timeline}[last_read_id]")
    nested = params.get(timeline)
    if value is None and isinstance(nested, dict):
        value = nested.get("last_read_id")
    if value is None:
        return None
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise invalid("Last read id is invalid")
    return int(text)


async def save(request: Request) -> Response:
    caller = await require(request, "write:statuses")
    params = await read_params(request)
    wanted = {t: _last_read(params, t) for t in TIMELINES}
    saved: JSON = {}
    async with context(request).pool.acquire() as conn, conn.transaction():
        for timeline, last_read_id in wanted.items():
            if last_read_id is not None:
                marker = await save_marker(conn, caller.person.id, timeline, last_read_id)
                saved[timeline] = render_marker(marker)
    return answer(saved)


routes = [
    Route("/api/v1/markers", index, methods=["GET"]),
    Route("/api/v1/markers", save, methods=["POST"]),
]
