"""The composition root: builds the Starlette app and opens its resources in the lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from community.context import Starter, open_context
from community.groups import ensure_demo_group
from community.settings import Settings
from community.storage.migrations import pending_migrations
from community.urls import Urls
from fediverse import api
from fediverse.api.streaming import Hub
from fediverse.runtime import open_database, open_pool, prepare_database
from fediverse.web import (
    actors,
    auth,
    authorize,
    directory,
    feeds,
    front,
    groups,
    inbox,
    media,
    members,
    moderation,
    objects,
    portability,
    posting,
    profiles,
    submit,
    threads,
    wellknown,
)
from fediverse.web.errors import EXCEPTION_HANDLERS
from fediverse.web.metrics import token_route
from fediverse.web.proxy import RequestContextMiddleware
from fediverse.web.state import attach_web_state, context, open_web_state

log = logging.getLogger(__name__)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        async with context(request).pool.acquire() as conn:
            pending = await pending_migrations(conn)
    except Exception as exc:  # any failure here means "not ready", with the reason
        return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
    if pending:
        return JSONResponse(
            {"status": "unavailable", "error": f"{len(pending)} migration(s) pending"},
            status_code=503,
        )
    return JSONResponse({"status": "ok"})


Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


def make_lifespan(settings: Settings, urls: Urls, demo: bool, starters: list[Starter]) -> Lifespan:
    """Open the database, pool, fetcher and workers at start; close them in reverse at stop."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as opened:
            database = open_database(settings, announce=True)
            opened.callback(database.close)
            await prepare_database(database.url, urls, apply_migrations=True)
            pool = await open_pool(database.url)
            opened.push_async_callback(pool.close)
            ctx = await open_context(settings, urls, pool)
            opened.push_async_callback(ctx.aclose)
            streams = Hub(ctx.pool, urls)
            await streams.start()
            opened.push_async_callback(streams.aclose)
            attach_web_state(app, await open_web_state(ctx, streams))
            if demo:
                async with ctx.pool.acquire() as conn:
                    await ensure_demo_group(conn, urls)
            for start in starters:
                opened.push_async_callback(await start(ctx))
            # Start-up objects (modules, settings, pools) live as long as the process: keep them
            # out of the collector's way, so that full collections stay short under load.
            gc.collect()
            gc.freeze()
            log.info("serving %s", urls.base_url)
            yield

    return lifespan


def create_app(
    settings: Settings, *, demo: bool = False, starters: list[Starter] | None = None
) -> Starlette:
    """The whole server for ``settings``; ``starters`` run background workers in-process."""
    urls = Urls(settings.base_url)
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *wellknown.routes,
        *inbox.routes,
        *directory.routes,  # before the actors' catch-all /groups/NAME/COLLECTION
        *portability.routes,
        *actors.routes,
        *objects.routes,
        *media.routes,
        *front.routes,
        *profiles.routes,
        *groups.routes,
        *moderation.routes,
        *submit.routes,
        *threads.routes,
        *posting.routes,
        *feeds.routes,
        *members.routes,
        *auth.routes,
        *authorize.routes,
        *api.routes,
        Mount("/static", StaticFiles(packages=[("fediverse.web", "static")]), name="static"),
    ]
    if settings.metrics_token is not None:
        routes.append(token_route(settings.metrics_token.get_secret_value()))
    middleware = [Middleware(RequestContextMiddleware, trusted_proxies=settings.trusted_proxies)]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=make_lifespan(settings, urls, demo, starters or []),
        exception_handlers=EXCEPTION_HANDLERS,
    )
