"""Hashtags (docs.joinmastodon.org/methods/tags and ``/methods/followed_tags``): show one,
follow and unfollow it; public posts with a followed tag join one's home timeline and
``user`` stream. A tag's ``id`` is its name, which is also how the paths name it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import tags
from community.errors import InvalidInput
from community.storage.database import Conn
from community.urls import Urls
from fediverse.api.auth import optional, require
from fediverse.api.common import answer
from fediverse.api.entities import JSON
from fediverse.api.errors import not_found
from fediverse.api.params import link_header, read_page, read_params
from fediverse.web.state import context


def render_tag(name: str, urls: Urls, following: bool | None) -> JSON:
    """Mastodon's Tag entity (``REST::TagSerializer``): no usage history is kept here."""
    tag: JSON = {"id": name, "name": name, "url": urls.tag_url(name), "history": []}
    if following is not None:
        tag["following"] = following
    return tag


def _name(request: Request) -> str:
    try:
        return tags.tag_name(str(request.path_params["id"]))
    except InvalidInput:
        raise not_found() from None


async def show(request: Request) -> Response:
    caller = await optional(request, "read:follows")
    name = _name(request)
    following = None
    if caller is not None and caller.actor is not None:
        async with context(request).pool.acquire() as conn:
            following = await tags.follows_tag(conn, caller.actor.id, name)
    return answer(render_tag(name, context(request).urls, following))


Change = Callable[[Conn, int, str], Awaitable[None]]


async def _change(request: Request, change: Change, following: bool) -> Response:
    caller = await require(request, "write:follows")
    name = _name(request)
    async with context(request).pool.acquire() as conn:
        await change(conn, caller.person.id, name)
    return answer(render_tag(name, context(request).urls, following))


async def follow(request: Request) -> Response:
    return await _change(request, tags.follow_tag, True)


async def unfollow(request: Request) -> Response:
    return await _change(request, tags.unfollow_tag, False)


async def followed(request: Request) -> Response:
    caller = await require(request, "read:follows")
    page = read_page(await read_params(request), default_limit=100, max_limit=200)
    async with context(request).pool.acquire() as conn:
        pairs = await tags.followed_tags(conn, caller.person.id, page)
    urls = context(request).urls
    rendered = [render_tag(name, urls, True) for _, name in pairs]
    return answer(rendered, link_header(request, [cursor for cursor, _ in pairs]))


routes = [
    Route("/api/v1/followed_tags", followed, methods=["GET"]),
    Route("/api/v1/tags/{id}", show, methods=["GET"]),
    Route("/api/v1/tags/{id}/follow", follow, methods=["POST"]),
    Route("/api/v1/tags/{id}/unfollow", unfollow, methods=["POST"]),
]
