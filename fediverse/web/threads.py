"""A thread's page (``/posts/KEY``): the post, its comments nested, votes, authors, edits and
removals marked; a comment's own page shows the thread's post and that comment's replies.
Replying, voting and deleting one's own posts.

A page is a fixed number of queries: the post, its community and the viewer's standing in
it, and every comment of the thread in one query (arranged by :func:`community.threads.arrange`).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor, find_actor_by_id
from community.errors import NotFoundError
from community.pages import NOBODY, Standing, may_see, viewer_standing
from community.posts import Post, find_post_by_id
from community.storage.database import Conn
from community.threads import (
    CommentNode,
    PostView,
    arrange,
    find_post_view,
    subtree,
    thread_comments,
)
from fediverse.web.comments import Viewer, render_comments
from fediverse.web.links import absolute, post_path
from fediverse.web.named import post_keyed
from fediverse.web.state import context
from fediverse.web.templating import Visit, render, visit


@dataclass(frozen=True)
class Thread:
    """What a thread page shows: the thread's post, where the viewer stands, the comments."""

    post: PostView
    group: Actor | None
    standing: Standing
    comments: list[CommentNode]
    #: the comment whose page this is (None on the thread's own page)
    focus: PostView | None


def visible(post: PostView, group: Actor | None, standing: Standing, viewer: Actor | None) -> bool:
    return may_see(post.visibility, post.author_id, group, standing, viewer.id if viewer else 0)


@dataclass(frozen=True)
class Place:
    """Where a post sits: its thread's post, the comment itself (or None), the community,
    and the viewer's standing in it."""

    root: PostView
    focus: PostView | None
    group: Actor | None
    standing: Standing


async def place_of(conn: Conn, post: PostView, viewer: Actor | None) -> Place:
    """Where ``post`` sits, once ``viewer`` may see it and its thread (404 otherwise)."""
    focus = None if post.is_top_level or post.root_id is None else post
    root = post
    if focus is not None:
        found = await find_post_view(
            conn, post_id=focus.root_id or 0, viewer_id=viewer.id if viewer else 0
        )
        if found is None:
            raise NotFoundError("post")
        root = found
    group = await find_actor_by_id(conn, root.group_id) if root.group_id else None
    standing = await viewer_standing(conn, group, viewer) if group else NOBODY
    if not visible(root, group, standing, viewer) or (
        focus is not None and not visible(focus, group, standing, viewer)
    ):
        raise NotFoundError("post")
    return Place(root, focus, group, standing)


async def load_thread(conn: Conn, post: PostView, viewer: Actor | None) -> Thread:
    """The thread ``post`` belongs to, as far as ``viewer`` may see it (404 otherwise)."""
    place = await place_of(conn, post, viewer)
    comments = await thread_comments(conn, place.root.id, viewer.id if viewer else 0)
    shown = [visible(c, place.group, place.standing, viewer) for c in comments]
    nodes = arrange(place.root.uri, comments, shown)
    if place.focus is not None:
        nodes = subtree(nodes, place.focus.id)
    return Thread(place.root, place.group, place.standing, nodes, place.focus)


async def thread_page(request: Request) -> Response:
    seen = await visit(request)
    ctx = context(request)
    viewer_id = seen.viewer.id if seen.viewer else 0
    async with ctx.pool.acquire() as conn:
        post = await post_keyed(ctx, conn, request.path_params["key"], viewer_id)
        if post.local and request.path_params["key"].isdigit():
            return RedirectResponse(post_path(post), status_code=301)
        thread = await load_thread(conn, post, seen.viewer)
    return _render(seen, thread)


def _render(seen: Visit, thread: Thread, status: int = 200, **values: object) -> Response:
    urls = context(seen.request).urls
    shown = thread.focus or thread.post
    moderates = thread.group is not None and thread.standing.moderates(thread.group)
    replies = not thread.post.locked or thread.standing.moderator  # the group's rule
    viewer = Viewer(seen.viewer.id if seen.viewer else 0, moderates, replies)
    return render(
        seen,
        "thread.html",
        status,
        thread=thread,
        post=thread.post,
        group=thread.group,
        focus=thread.focus,
        comments=thread.comments,
        comments_html=render_comments(thread.comments, viewer),
        moderates=moderates,
        replies=replies,
        standing=thread.standing,
        page_url=absolute(urls, post_path(shown)),
        post_url=post_path(thread.post),
        **values,
    )


async def acted_on(request: Request, seen: Visit, key: str | None = None) -> tuple[Post, Place]:
    """The post a form acts on (``key``, else the path's) and where it sits, once the viewer
    may see it (else 404)."""
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        view = await post_keyed(ctx, conn, key or request.path_params["key"], seen.viewer.id)
        place = await place_of(conn, view, seen.viewer)
        post = await find_post_by_id(conn, view.id)
    if post is None or post.deleted_at is not None:
        raise NotFoundError("post")
    return post, place


routes = [Route("/posts/{key}", thread_page, methods=["GET"])]
