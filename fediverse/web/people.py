"""A person's page: who they are, and their public posts and comments, newest first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from community.actors import Actor
from community.errors import InvalidInput
from community.pages import posts_by_author
from fediverse.web.links import actor_path
from fediverse.web.state import context
from fediverse.web.templating import render, visit

PAGE_SIZE = 20


def before_param(request: Request) -> int | None:
    value = request.query_params.get("before")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput("before must be a post number")
    return int(value)


async def person_page(request: Request, person: Actor) -> Response:
    before = before_param(request)
    seen = await visit(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        posts = await posts_by_author(conn, person, before, PAGE_SIZE + 1)
    return render(
        seen,
        "person.html",
        person=person,
        handle=f"@{person.username}@{person.domain}",
        posts=posts[:PAGE_SIZE],
        older=posts[PAGE_SIZE - 1].id if len(posts) > PAGE_SIZE else None,
        page_url=ctx.urls.base_url + actor_path(person),
        first_page=before is None,
    )
