"""``/directory``: the directory of communities, as a page and as an AS2 ``OrderedCollection``
(content negotiation, as actor documents do), and each community's ``recommended`` collection
(docs/bridges.md "The directory"). The JSON for apps is ``/api/v1/directory``.

The routes hold no rule: :func:`community.directory.search_directory` decides what is listed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import find_local_actor
from community.directory import DirectoryQuery, Entry, recommended_by, search_directory
from community.errors import NotFoundError
from community.render import AS_CONTEXT, FEDIVERSE_NS, iso
from fediverse.web.negotiation import choose_representation
from fediverse.web.responses import ActivityResponse
from fediverse.web.signed_fetch import check_authorized_fetch
from fediverse.web.state import context
from fediverse.web.templating import render, visit

DIRECTORY_CONTEXT: list[Any] = [
    AS_CONTEXT,
    {
        "fediverse": FEDIVERSE_NS,
        "members": "fediverse:members",
        "lastActivity": "fediverse:lastActivity",
        "Hashtag": "as:Hashtag",
    },
]


def query_of(request: Request) -> DirectoryQuery:
    params = request.query_params
    try:
        offset = int(params.get("offset", "0"))
    except ValueError:
        offset = 0
    return DirectoryQuery(
        words=params.get("q"),
        tag=params.get("tag"),
        language=params.get("language"),
        local_only=params.get("local", "").lower() in ("true", "1", "on"),
        limit=80,
        offset=offset,
    )


def render_item(entry: Entry, base_url: str) -> dict[str, Any]:
    """One community of the collection: enough to show it, its id to fetch the rest."""
    group = entry.group
    item: dict[str, Any] = {
        "id": group.uri,
        "type": "Group",
        "preferredUsername": group.username,
        "name": group.name or group.username,
        "summary": group.summary,
        "url": group.url or group.uri,
        "members": entry.members,
        "tag": [
            {"type": "Hashtag", "name": f"#{t}", "href": f"{base_url}/directory?tag={t}"}
            for t in entry.tags
        ],
    }
    if entry.language:
        item["contentMap"] = {entry.language: group.summary}
    if entry.last_activity is not None:
        item["lastActivity"] = iso(entry.last_activity)
    return item


async def directory(request: Request) -> Response:
    ctx = context(request)
    query = query_of(request)
    as2 = choose_representation(request.headers.get("accept")) == "as2"
    if as2:
        await check_authorized_fetch(request)
    async with ctx.pool.acquire() as conn:
        entries = await search_directory(conn, query)
    collection_url = f"{ctx.urls.base_url}/directory"
    if as2:
        items = [render_item(e, ctx.urls.base_url) for e in entries]
        return ActivityResponse(
            {
                "@context": DIRECTORY_CONTEXT,
                "id": collection_url,
                "type": "OrderedCollection",
                "totalItems": len(items),
                "orderedItems": items,
            }
        )
    return render(
        await visit(request),
        "directory.html",
        entries=entries,
        query=query.checked(),
        collection_url=collection_url,
    )


async def recommended(request: Request) -> Response:
    """The communities a community recommends (its ``recommended`` property)."""
    ctx = context(request)
    await check_authorized_fetch(request)
    async with ctx.pool.acquire() as conn:
        group = await find_local_actor(conn, request.path_params["name"])
        if group is None or not group.is_group:
            raise NotFoundError(f"{request.path_params['name']!r}")
        items = [a.uri for a in await recommended_by(conn, group)]
    return ActivityResponse(
        {
            "@context": AS_CONTEXT,
            "id": f"{group.uri}/recommended",
            "type": "OrderedCollection",
            "totalItems": len(items),
            "orderedItems": items,
        }
    )


routes = [
    Route("/directory", directory, methods=["GET"]),
    Route("/groups/{name}/recommended", recommended, methods=["GET"]),
]
