"""Starting a thread in a community: a title and a body in Markdown, previewed on request.

The page asks the community's own rule first (:func:`community.membership.may_post`, what
the group applies when the post arrives), so that a refusal is a sentence on the form rather
than a ``Reject`` later. Communities elsewhere decide for themselves.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor
from community.errors import InvalidInput
from community.markdown import render_markdown
from community.membership import may_post
from fediverse.web import acting
from fediverse.web.forms import member_visit, posted_form, text_field
from fediverse.web.links import post_path
from fediverse.web.named import group_named
from fediverse.web.state import context
from fediverse.web.templating import Visit, render
from outbox.actions import MAX_POST_LENGTH

MAX_TITLE = acting.MAX_TITLE_LENGTH


def _form(seen: Visit, group: Actor, status: int = 200, error: str = "", **values: str) -> Response:
    body = values.get("body", "")
    preview = render_markdown(body) if values.get("preview") and body.strip() else None
    return render(
        seen,
        "submit.html",
        status,
        group=group,
        error=error,
        form=values,
        preview=preview,
        max_title=MAX_TITLE,
        max_body=MAX_POST_LENGTH,
    )


async def _refusal(request: Request, person: Actor, group: Actor) -> str | None:
    if not group.local:
        return None
    async with context(request).pool.acquire() as conn:
        return await may_post(conn, group, person, top_level=True)


async def submit_form(request: Request) -> Response:
    seen = await member_visit(request)
    group = await group_named(context(request), request.path_params["name"])
    assert seen.viewer is not None
    refusal = await _refusal(request, seen.viewer, group)
    return _form(seen, group, 403 if refusal else 200, (refusal or "").capitalize())


def _check(title: str, body: str) -> str | None:
    if not title.strip():
        return "A thread needs a title."
    if len(title) > MAX_TITLE:
        return f"A title may be at most {MAX_TITLE} characters."
    if not body.strip():
        return "A thread needs some text."
    if len(body) > MAX_POST_LENGTH:
        return f"A post may be at most {MAX_POST_LENGTH} characters."
    return None


async def submit(request: Request) -> Response:
    seen = await member_visit(request)
    form = await posted_form(request)
    ctx = context(request)
    group = await group_named(ctx, request.path_params["name"])
    title, body = text_field(form, "title", 1000), text_field(form, "body", 2 * MAX_POST_LENGTH)
    wants_preview = form.get("action") == "preview"
    values = {"title": title, "body": body, "preview": "yes" if wants_preview else ""}
    problem = None if wants_preview else _check(title, body)
    if problem is not None or wants_preview:
        return _form(seen, group, 422 if problem else 200, problem or "", **values)
    assert seen.viewer is not None
    refusal = await _refusal(request, seen.viewer, group)
    if refusal is not None:
        return _form(seen, group, 403, refusal.capitalize() + ".", **values)
    async with ctx.pool.acquire() as conn:
        try:
            post = await acting.start_thread(
                conn, ctx.urls, seen.viewer, group, title.strip(), body
            )
        except InvalidInput as exc:
            return _form(seen, group, 422, str(exc).capitalize() + ".", **values)
    return RedirectResponse(post_path(post), status_code=303)


routes = [
    Route("/@{name}/submit", submit_form, methods=["GET"]),
    Route("/@{name}/submit", submit, methods=["POST"]),
]
