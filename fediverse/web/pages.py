"""Server-rendered HTML pages (autoescaped Jinja2 templates)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from fediverse.actors import Actor, list_local_actors
from fediverse.context import context

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


async def render_profile(request: Request, actor: Actor) -> Response:
    ctx = context(request)
    return templates.TemplateResponse(
        request,
        "profile.html",
        {"actor": actor, "handle": f"@{actor.username}@{ctx.urls.domain}", "site": ctx.settings},
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
