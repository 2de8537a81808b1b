"""What the web process holds for its requests, opened in the lifespan (STYLE.md §8).

:class:`WebState` is the typed state of one web process: the core's :class:`AppContext`, the
inbox's intake batcher, the CSRF signer and the streaming hub (its live clients). Route
functions reach them through :func:`context` and :func:`web_state`; nothing else in the
application touches ``app.state``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from itsdangerous import URLSafeSerializer
from starlette.applications import Starlette
from starlette.requests import Request

from community.context import AppContext
from community.sessions import server_secret
from inbox.intake import Intake

if TYPE_CHECKING:  # the hub's package imports this module (its routes read the state)
    from fediverse.api.streaming.hub import Hub


@dataclass(frozen=True)
class WebState:
    context: AppContext
    intake: Intake
    csrf: URLSafeSerializer
    streams: Hub


async def open_web_state(ctx: AppContext, streams: Hub) -> WebState:
    async with ctx.pool.acquire() as conn:
        secret = await server_secret(conn, "csrf")
    return WebState(ctx, Intake(ctx.pool), URLSafeSerializer(secret, salt="csrf"), streams)


def attach_web_state(app: Starlette, state: WebState) -> None:
    """Hand ``state`` to the requests of ``app`` (its lifespan calls this once)."""
    app.state.web = state


def state_of(app: Starlette) -> WebState:
    state: WebState = app.state.web
    return state


def web_state(request: Request) -> WebState:
    return state_of(request.app)


def context(request: Request) -> AppContext:
    return web_state(request).context
