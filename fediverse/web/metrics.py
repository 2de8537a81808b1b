"""Exposing the Prometheus metrics: on a separate port, or on ``/metrics`` behind a token.

``FEDIVERSE_METRICS_PORT`` serves ``/metrics`` on its own listener (``FEDIVERSE_METRICS_HOST``,
127.0.0.1 by default) with no token; ``FEDIVERSE_METRICS_TOKEN`` opens ``/metrics`` on the main
port to ``Authorization: Bearer <token>``. With neither there is no metrics endpoint at all.
Each scrape first reads the queue and host figures from PostgreSQL.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.context import AppContext
from community.health import collect_health, unreachable
from community.metrics import apply_health, render_metrics
from community.settings import SettingsError
from fediverse.web.errors import error_response
from fediverse.web.state import context

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None]]


async def refresh_gauges(pool: asyncpg.Pool) -> None:
    """Read the shared figures (queues, hosts, rules) into the gauges."""
    try:
        async with pool.acquire(timeout=5) as conn:
            report = await collect_health(conn)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        report = unreachable(str(exc) or type(exc).__name__)
    apply_health(report)


async def _exposition(pool: asyncpg.Pool) -> Response:
    await refresh_gauges(pool)
    body, content_type = render_metrics()
    return Response(body, headers={"Content-Type": content_type})


def token_route(token: str) -> Route:
    """``GET /metrics`` on the main port, for ``Authorization: Bearer <token>`` only."""
    expected = f"Bearer {token}".encode()

    async def metrics(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return error_response(
                401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
            )
        return await _exposition(context(request).pool)

    return Route("/metrics", metrics, methods=["GET"])


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the process's main server."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def start_metrics_server(host: str, port: int, pool: asyncpg.Pool) -> Stop:
    """Serve ``/metrics`` on ``host:port`` in this event loop; returns the coroutine that stops it.

    Used by ``serve`` and by any other long-running process (the worker).
    """

    async def metrics(request: Request) -> Response:
        return await _exposition(pool)

    app = Starlette(routes=[Route("/metrics", metrics, methods=["GET"])])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    except OSError as exc:
        sock.close()
        raise SettingsError(
            f"FEDIVERSE_METRICS_PORT: cannot listen on {host}:{port}: {exc.strerror}"
        ) from None
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    log.info("metrics on http://%s:%d/metrics", host, port)

    async def stop() -> None:
        server.should_exit = True
        await task
        sock.close()

    return stop


async def start_metrics_port(ctx: AppContext) -> Stop:
    """A starter for ``create_app``: the separate metrics port, when one is configured."""
    port = ctx.settings.metrics_port
    if port is None:

        async def nothing() -> None:
            return None

        return nothing
    return await start_metrics_server(ctx.settings.metrics_host, port, ctx.pool)
