"""``/api/v1/polls/:id`` and ``/votes`` (docs.joinmastodon.org/methods/polls), and reading the
``poll`` of a new status. A poll's id is its status's id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor
from community.polls import PollRefused, PollSpec, find_poll
from community.storage.database import Conn
from fediverse.api.auth import optional, require
from fediverse.api.common import answer, path_id, render_posts, visible_post
from fediverse.api.errors import ApiError, invalid, not_found
from fediverse.api.params import Params, read_params
from fediverse.web.state import context
from outbox.polls import vote as cast_vote


def read_poll(params: Params) -> PollSpec | None:
    """``poll`` as JSON (``{"options": […], "expires_in": …}``) or as form fields
    (``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``, ``poll[hide_totals]``)."""
    nested = params.get("poll")
    if isinstance(nested, dict):
        values: dict[str, list[Any]] = {k: [v] for k, v in nested.items()}
        return _spec(Params(values))
    if "poll[options]" not in params:
        return None
    flat = {
        name: [params.get(f"poll[{name}]")]
        for name in ("expires_in", "multiple", "hide_totals")
        if f"poll[{name}]" in params
    }
    flat["options"] = [params.list("poll[options]")]
    return _spec(Params(flat))


def _spec(poll: Params) -> PollSpec:
    options = poll.list("options")
    expires_in = poll.integer("expires_in")
    if expires_in is None:
        raise invalid("Poll expiration can't be blank")
    try:
        return PollSpec(
            tuple(options),
            expires_in,
            multiple=poll.flag("multiple"),
            hide_totals=poll.flag("hide_totals"),
        ).check()
    except PollRefused as exc:
        raise invalid(str(exc)) from None


async def _rendered_poll(request: Request, conn: Conn, post_id: int, viewer: Actor | None) -> Any:
    rendered = await render_posts(request, conn, [post_id], viewer)
    if not rendered or rendered[0]["poll"] is None:
        raise not_found()
    return rendered[0]["poll"]


async def show(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    async with context(request).pool.acquire() as conn:
        post = await visible_post(conn, path_id(request), viewer)
        return answer(await _rendered_poll(request, conn, post.id, viewer))


async def votes(request: Request) -> Response:
    caller = await require(request, "write:statuses")
    params = await read_params(request)
    try:
        choices = [int(c) for c in params.list("choices")]
    except ValueError:
        raise ApiError(400, "choices must be integers") from None
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        post = await visible_post(conn, path_id(request), caller.actor)
        poll = await find_poll(conn, post.id)
        if poll is None:
            raise not_found()
        try:
            await cast_vote(conn, ctx.urls, caller.person, post, poll, choices)
        except PollRefused as exc:
            raise invalid(str(exc)) from None
        return answer(await _rendered_poll(request, conn, post.id, caller.actor))


routes = [
    Route("/api/v1/polls/{id}", show, methods=["GET"]),
    Route("/api/v1/polls/{id}/votes", votes, methods=["POST"]),
]
