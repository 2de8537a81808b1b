"""Server-rendered HTML pages (autoescaped Jinja2 templates)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from community.actors import Actor, list_local_actors
from community.audience import members_only
from community.posts import recent_threads
from community.storage.database import Record
from fediverse.web.state import context

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


RECENT_THREADS = 30


async def render_profile(request: Request, actor: Actor) -> Response:
    ctx = context(request)
    threads: list[Record] = []
    if actor.is_group and not members_only(actor):  # a private group's page shows no posts
        async with ctx.pool.acquire() as conn:
            threads = await recent_threads(conn, actor, RECENT_THREADS)
    return templates.TemplateResponse(
        request,
        "profile.html",
        {
            "actor": actor,
            "handle": f"@{actor.username}@{ctx.urls.domain}",
            "site": ctx.settings,
            "threads": threads,
        },
    )


async def index(request: Request) -> Response:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        groups = await list_local_actors(conn, "Group")
    return templates.TemplateResponse(
        request,
        "index.html",
        {"groups": groups, "domain": ctx.urls.domain, "site": ctx.settings},
    )


routes = [Route("/", index, methods=["GET"])]
