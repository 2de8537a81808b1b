"""Moderating one post from its page (``/posts/KEY/moderate``): remove it (with a reason) or
restore it; lock or unlock, pin or unpin a thread. Each act is
:func:`outbox.moderation.act_on_post`, as the API's and the CLI's; a community on another
server gets our moderator's act and decides.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor
from community.errors import InvalidInput, NotFoundError
from community.threads import PostView
from fediverse.web.forms import member_visit, posted_form, text_field
from fediverse.web.links import actor_path, post_path
from fediverse.web.moderation.common import back, said
from fediverse.web.named import post_keyed
from fediverse.web.state import context
from fediverse.web.templating import Visit, render
from fediverse.web.threads import Place, place_of
from outbox import moderation
from outbox.moderation import POST_ACT_KINDS, Moderator, acting_in, check_moderates

MAX_REASON = 1000


async def _moderated(request: Request, seen: Visit) -> tuple[PostView, Place, Moderator]:
    """The path's post (shown, or removed), where it sits, and how the viewer moderates it
    (403 for anyone who does not)."""
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        post = await post_keyed(ctx, conn, request.path_params["key"], seen.viewer.id)
        place = await place_of(conn, post, seen.viewer)
        if place.group is None:
            raise NotFoundError("post in a community")
        who = await acting_in(conn, ctx.urls, seen.viewer, place.group)
        await check_moderates(conn, who, place.group)
    return post, place, who


def _page(seen: Visit, post: PostView, place: Place, group: Actor) -> Response:
    return render(
        seen,
        "moderation/post.html",
        post=post,
        place=place,
        group=group,
        thread_path=post_path(place.root),
        modlog_path=actor_path(group) + "/modlog",
        said=said(seen.request.query_params),
        max_reason=MAX_REASON,
    )


async def moderate_form(request: Request) -> Response:
    seen = await member_visit(request)
    post, place, _ = await _moderated(request, seen)
    assert place.group is not None
    return _page(seen, post, place, place.group)


async def moderate(request: Request) -> Response:
    seen = await member_visit(request)
    form = await posted_form(request)
    kind = POST_ACT_KINDS.get(str(form.get("act", "")))
    if kind is None:
        raise InvalidInput("choose remove, restore, lock, unlock, pin or unpin")
    post, _, who = await _moderated(request, seen)
    reason = text_field(form, "reason", MAX_REASON).strip()
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        result = await moderation.act_on_post(conn, ctx.urls, who, kind, post.uri, reason)
    return back(post_path(post) + "/moderate", result, kind)


routes = [
    Route("/posts/{key}/moderate", moderate_form, methods=["GET"]),
    Route("/posts/{key}/moderate", moderate, methods=["POST"]),
]
