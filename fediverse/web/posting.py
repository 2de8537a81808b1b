"""What a member does to a post from its page: reply (with a preview), vote, edit and delete
their own.

Each act goes through :mod:`fediverse.web.acting` (the outbox's member actions) and comes
back to the page it was done from.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor
from community.errors import InvalidInput
from community.markdown import render_markdown
from community.membership import may_post
from community.moderation import is_thread_locked
from community.posts import Post
from fediverse.api.statuses import source_text
from fediverse.web import acting
from fediverse.web.auth import safe_next
from fediverse.web.forms import member_visit, posted_form, text_field
from fediverse.web.links import actor_path, post_path
from fediverse.web.state import context
from fediverse.web.templating import Visit, render
from fediverse.web.threads import Place, acted_on
from outbox.actions import MAX_POST_LENGTH
from outbox.votes import VoteKind

VOTES: dict[str, VoteKind | None] = {"up": "Like", "down": "Dislike", "none": None}


def _back(request: Request, fallback: str) -> str:
    """The page a form was sent from (its Referer, when it is a page here), else ``fallback``."""
    referer = request.headers.get("referer", "")
    base = context(request).urls.base_url
    if referer.startswith(base + "/"):
        return safe_next(referer[len(base) :].split("#", 1)[0])
    return fallback


def _reply_form(
    seen: Visit,
    place: Place,
    status: int = 200,
    error: str = "",
    body: str = "",
    preview: bool = False,
) -> Response:
    return render(
        seen,
        "reply.html",
        status,
        place=place,
        target=place.focus or place.root,
        error=error,
        body=body,
        preview=render_markdown(body) if preview and body.strip() else None,
        max_body=MAX_POST_LENGTH,
    )


async def reply_form(request: Request) -> Response:
    seen = await member_visit(request)
    _, place = await acted_on(request, seen)
    return _reply_form(seen, place)


async def _refusal(request: Request, person: Actor, place: Place) -> str | None:
    """Why the community would refuse the reply (its own rules: :func:`may_post`, and a
    locked thread takes replies from its moderators only), or None."""
    if place.group is None or not place.group.local:
        return None
    async with context(request).pool.acquire() as conn:
        reason = await may_post(conn, place.group, person, top_level=False)
        locked = reason is None and not place.standing.moderator
        if locked and await is_thread_locked(conn, place.root.uri):
            reason = "the thread is locked: it takes no more replies"
    return None if reason is None else reason.capitalize() + "."


async def reply(request: Request) -> Response:
    seen = await member_visit(request)
    form = await posted_form(request)
    parent, place = await acted_on(request, seen)
    body = text_field(form, "body", 2 * MAX_POST_LENGTH)
    if form.get("action") == "preview" or not body.strip():
        error = "" if body.strip() else "A reply needs some text."
        return _reply_form(seen, place, 200 if body.strip() else 422, error, body, True)
    assert seen.viewer is not None
    refusal = await _refusal(request, seen.viewer, place)
    if refusal is not None:
        return _reply_form(seen, place, 403, refusal, body)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        try:
            comment = await acting.reply(conn, ctx.urls, seen.viewer, parent, body)
        except InvalidInput as exc:
            return _reply_form(seen, place, 422, str(exc).capitalize() + ".", body)
    return RedirectResponse(f"{post_path(place.root)}#c{comment.id}", status_code=303)


def _chosen_vote(value: object) -> tuple[VoteKind | None, int]:
    """``up:ID``, ``down:ID`` or ``none:ID`` (a button of the vote forms): the vote and post."""
    choice, _, post_id = str(value).partition(":")
    if choice not in VOTES or not post_id.isdigit() or len(post_id) > 18:
        raise InvalidInput("a vote is up, down or none, on a post")
    return VOTES[choice], int(post_id)


async def vote(request: Request) -> Response:
    """A vote from any vote button of a page; back to that page, at the post voted on."""
    seen = await member_visit(request)
    form = await posted_form(request)
    kind, post_id = _chosen_vote(form.get("vote"))
    post, place = await acted_on(request, seen, str(post_id))
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        await acting.cast_vote(conn, ctx.urls, seen.viewer, post, kind)
    anchor = "#post" if post.id == place.root.id else f"#c{post.id}"
    return RedirectResponse(_back(request, post_path(place.root)) + anchor, status_code=303)


def _edit_form(
    seen: Visit,
    post: Post,
    place: Place,
    status: int = 200,
    error: str = "",
    body: str | None = None,
    preview: bool = False,
) -> Response:
    text = source_text(post) if body is None else body
    return render(
        seen,
        "edit.html",
        status,
        place=place,
        target=place.focus or place.root,
        error=error,
        body=text,
        preview=render_markdown(text) if preview and text.strip() else None,
        max_body=MAX_POST_LENGTH,
    )


async def _own(request: Request, seen: Visit) -> tuple[Post, Place]:
    post, place = await acted_on(request, seen)
    assert seen.viewer is not None
    if post.author_id != seen.viewer.id:
        raise InvalidInput("only its author may change a post")
    return post, place


async def edit_form(request: Request) -> Response:
    seen = await member_visit(request)
    post, place = await _own(request, seen)
    return _edit_form(seen, post, place)


async def edit(request: Request) -> Response:
    seen = await member_visit(request)
    form = await posted_form(request)
    post, place = await _own(request, seen)
    body = text_field(form, "body", 2 * MAX_POST_LENGTH)
    if form.get("action") == "preview" or not body.strip():
        error = "" if body.strip() else "A post needs some text."
        return _edit_form(seen, post, place, 200 if body.strip() else 422, error, body, True)
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        try:
            await acting.edit_own(conn, ctx.urls, seen.viewer, post, body)
        except InvalidInput as exc:
            return _edit_form(seen, post, place, 422, str(exc).capitalize() + ".", body)
    anchor = "#post" if post.id == place.root.id else f"#c{post.id}"
    return RedirectResponse(post_path(place.root) + anchor, status_code=303)


async def delete_form(request: Request) -> Response:
    seen = await member_visit(request)
    post, place = await acted_on(request, seen)
    assert seen.viewer is not None
    if post.author_id != seen.viewer.id:
        raise InvalidInput("only its author may delete a post")
    return render(seen, "delete.html", place=place, target=place.focus or place.root)


async def delete(request: Request) -> Response:
    seen = await member_visit(request)
    await posted_form(request)
    post, place = await acted_on(request, seen)
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        await acting.delete_own(conn, ctx.urls, seen.viewer, post)
    if post.id == place.root.id:
        return RedirectResponse(actor_path(place.group) if place.group else "/", status_code=303)
    return RedirectResponse(post_path(place.root), status_code=303)


routes = [
    Route("/posts/{key}/reply", reply_form, methods=["GET"]),
    Route("/posts/{key}/reply", reply, methods=["POST"]),
    Route("/votes", vote, methods=["POST"]),
    Route("/posts/{key}/edit", edit_form, methods=["GET"]),
    Route("/posts/{key}/edit", edit, methods=["POST"]),
    Route("/posts/{key}/delete", delete_form, methods=["GET"]),
    Route("/posts/{key}/delete", delete, methods=["POST"]),
]
