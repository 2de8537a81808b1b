"""An Atom feed (RFC 4287) of each community's newest threads: ``/@name/feed.atom``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.audience import members_only
from community.errors import NotFoundError
from community.pages import feed_entries
from fediverse.web.links import absolute, actor_path
from fediverse.web.named import group_named
from fediverse.web.state import context
from fediverse.web.templating import templates

ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 20


async def community_feed(request: Request) -> Response:
    ctx = context(request)
    group = await group_named(ctx, request.path_params["name"])
    if not group.local or members_only(group):
        # a private community's threads are for its members; others' feeds are their servers'
        raise NotFoundError("feed")
    async with ctx.pool.acquire() as conn:
        entries = await feed_entries(conn, group, ENTRIES)
    page = absolute(ctx.urls, actor_path(group))
    updated = max((e.updated or e.published for e in entries), default=group.updated)
    return templates.TemplateResponse(
        request,
        "feed.xml",
        {"group": group, "entries": entries, "page": page, "updated": updated, "urls": ctx.urls},
        media_type=ATOM_MEDIA_TYPE,
    )


routes = [Route("/@{name}/feed.atom", community_feed, methods=["GET"])]
