"""The front page (this server, its communities, a search box) and the search it sends to.

A search for ``@name@host`` (or a URL) leads to that person's or community's page here: ours
at once, another server's as far as we know it, and for a signed-in member after asking its
server (WebFinger, through the SSRF-guarded fetcher and the instance's domain policy, as the
client API's search with ``resolve=true``; Mastodon also resolves for signed-in people only).
Other words look for names among the people and communities we know.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor, find_actor_by_uri_or_url, find_local_actor
from community.pages import actors_by_ids, find_actor_by_handle, local_communities
from community.posts import Post, find_post_by_uri_or_url
from community.resolve import resolve_url
from community.statuses import search_actor_ids
from fediverse.api.common import resolve_remote
from fediverse.web.auth import over_limit
from fediverse.web.links import actor_path, post_path
from fediverse.web.state import context
from fediverse.web.templating import Visit, render, visit

HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+(?::\d{1,5})?)$")
MAX_QUERY = 300
#: look-ups on other servers per signed-in person in each rate-limit window
LOOKUP_LIMIT = 30
RESULTS = 20


async def index(request: Request) -> Response:
    seen = await visit(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        communities = await local_communities(conn)
    return render(
        seen,
        "index.html",
        communities=communities,
        domain=ctx.urls.domain,
        page_url=ctx.urls.base_url + "/",
    )


async def _may_look_up(request: Request, seen: Visit) -> bool:
    """Signed in, and within the look-up rate limit."""
    if seen.viewer is None:
        return False
    limit_key = f"actor:{seen.viewer.id}"
    return await over_limit(request, "lookup", LOOKUP_LIMIT, limit_key) is None


async def _by_handle(request: Request, seen: Visit, name: str, host: str) -> Actor | None:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        if host.lower() == ctx.urls.domain:
            return await find_local_actor(conn, name)
        known = await find_actor_by_handle(conn, name, host)
    if await _may_look_up(request, seen):
        return await resolve_remote(request, f"@{name}@{host}") or known
    return known


async def _by_url(request: Request, seen: Visit, url: str) -> Actor | Post | None:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        known = await find_post_by_uri_or_url(conn, url) or await find_actor_by_uri_or_url(
            conn, url
        )
    if known is not None or ctx.urls.is_local(url) or not await _may_look_up(request, seen):
        return known
    return await resolve_url(ctx, url)


async def _found(request: Request, seen: Visit, q: str) -> Actor | Post | None:
    handle = HANDLE_RE.match(q)
    if handle:
        return await _by_handle(request, seen, handle[1], handle[2])
    if q.startswith(("https://", "http://")):
        return await _by_url(request, seen, q)
    return None


async def search(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()[:MAX_QUERY]
    seen = await visit(request)
    found = await _found(request, seen, q) if q else None
    if isinstance(found, Post):
        return RedirectResponse(post_path(found), status_code=303)
    if found is not None and found.type != "Application":
        return RedirectResponse(actor_path(found), status_code=303)
    matches: list[Actor] = []
    if q and not HANDLE_RE.match(q) and not q.startswith(("https://", "http://")):
        async with context(request).pool.acquire() as conn:
            ids = await search_actor_ids(conn, q, RESULTS)
            matches = await actors_by_ids(conn, ids)
    return render(
        seen,
        "search.html",
        200 if matches or not q else 404,
        q=q,
        matches=matches,
        handle=bool(HANDLE_RE.match(q)),
    )


routes = [
    Route("/", index, methods=["GET"]),
    Route("/search", search, methods=["GET"]),
]
