"""Finding what a page's path names: ``/@name`` or ``/@name@host``, ``/posts/KEY``."""

from __future__ import annotations

from community.actors import Actor, find_local_actor
from community.context import AppContext
from community.errors import NotFoundError
from community.pages import find_actor_by_handle
from community.storage.database import Conn
from community.threads import PostView, find_post_view

MAX_KEY_LENGTH = 64


async def actor_named(ctx: AppContext, name: str) -> Actor:
    """The person or group ``name`` (here) or ``name@host`` (as far as we know it), or 404."""
    username, _, host = name.lstrip("@").partition("@")
    async with ctx.pool.acquire() as conn:
        if not host or host.lower() == ctx.urls.domain:
            found = await find_local_actor(conn, username)
        else:
            found = await find_actor_by_handle(conn, username, host)
    if found is None or found.type == "Application":
        raise NotFoundError(f"@{name}")
    return found


async def group_named(ctx: AppContext, name: str) -> Actor:
    found = await actor_named(ctx, name)
    if not found.is_group:
        raise NotFoundError(f"community @{name}")
    return found


async def post_keyed(ctx: AppContext, conn: Conn, key: str, viewer_id: int = 0) -> PostView:
    """The post ``/posts/KEY`` names: ours by its AS2 id's last part, others by row number."""
    if not key or len(key) > MAX_KEY_LENGTH or "/" in key:
        raise NotFoundError("post")
    if key.isdigit():
        if len(key) > 18:
            raise NotFoundError("post")
        found = await find_post_view(conn, post_id=int(key), viewer_id=viewer_id)
    else:
        found = await find_post_view(conn, uri=ctx.urls.object_uri(key), viewer_id=viewer_id)
    if found is None:
        raise NotFoundError("post")
    return found
