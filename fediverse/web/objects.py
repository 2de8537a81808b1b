"""Our activities and posts, each fetchable at its id (others backfill and verify from them).

A browser opening a post's id (it asks for HTML) is sent to the post's page, its ``url``.
"""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.activities import find_activity
from community.actors import find_actor_by_id
from community.audience import may_fetch, may_fetch_activity, may_fetch_in, members_only
from community.errors import NotFoundError
from community.modlog import MODLOG_CONTEXT, find_item, find_item_group
from community.posts import find_post
from community.render import AS_CONTEXT, render_post
from community.storage.database import Conn
from fediverse.web.negotiation import AS2_MEDIA_TYPE, choose_representation
from fediverse.web.responses import ActivityResponse
from fediverse.web.signed_fetch import check_authorized_fetch
from fediverse.web.signer import signer_of
from fediverse.web.state import context

VARY = {"Vary": "Accept"}


async def activity(request: Request) -> Response:
    """An activity of ours, or an item of a moderation log. What is not public (a private
    community's, docs/private-communities.md) answers only a signed GET that
    :func:`community.audience.may_fetch_activity` allows, even when authorized fetch is off;
    404 to anyone else (as Lemmy: LemmyNet/lemmy crates/apub/apub/src/http/mod.rs)."""
    await check_authorized_fetch(request)
    ctx = context(request)
    uri = ctx.urls.activity_uri(request.path_params["id"])
    async with ctx.pool.acquire() as conn:
        found = await find_activity(conn, uri)
        logged = await find_item(conn, uri) if found is None else None
        if logged is not None:  # an act, proposal or vote of a moderation log
            if not await _may_read_log_item(request, conn, uri):
                raise NotFoundError("activity")
            return ActivityResponse({"@context": MODLOG_CONTEXT, **logged})
        if found is None:
            raise NotFoundError("activity")
        if not found.public:
            signer = await signer_of(request)
            if not await may_fetch_activity(conn, found.actor_id, found.object_uri, signer):
                raise NotFoundError("activity")
    return Response(found.body, media_type=AS2_MEDIA_TYPE)


async def _may_read_log_item(request: Request, conn: Conn, uri: str) -> bool:
    group_id = await find_item_group(conn, uri)
    group = await find_actor_by_id(conn, group_id) if group_id is not None else None
    if group is None or not members_only(group):
        return True
    return await may_fetch_in(conn, group, await signer_of(request))


async def post(request: Request) -> Response:
    """A post of ours, to whom :func:`community.audience.may_fetch` allows (a members-only
    post: to its group's members' servers, asking with a signed GET); 404 to anyone else. A
    browser is sent to the post's page."""
    ctx = context(request)
    uri = ctx.urls.object_uri(request.path_params["id"])
    if choose_representation(request.headers.get("accept")) == "html":
        return RedirectResponse(ctx.urls.post_url(uri), status_code=302, headers=VARY)
    await check_authorized_fetch(request)
    async with ctx.pool.acquire() as conn:
        found = await find_post(conn, uri)
    if found is None or not found.local:
        raise NotFoundError("object")
    signer = None if found.visibility in ("public", "unlisted") else await signer_of(request)
    async with ctx.pool.acquire() as conn:
        allowed = await may_fetch(conn, found, signer)
    if not allowed:
        raise NotFoundError("object")
    if found.deleted_at is not None:
        tombstone = {"@context": AS_CONTEXT, "id": uri, "type": "Tombstone"}
        return Response(orjson.dumps(tombstone), status_code=410, media_type=AS2_MEDIA_TYPE)
    return ActivityResponse(render_post(found, ctx.urls), headers=VARY)


routes = [
    Route("/activities/{id}", activity, methods=["GET"]),
    Route("/objects/{id}", post, methods=["GET"]),
]
