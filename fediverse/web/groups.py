"""A community's page (about, moderators, members, pinned and sorted threads), joining and
leaving it, and creating a community.

The page costs the same queries whatever the community's size: the viewer's standing, the
moderators, the pinned threads and one keyset page of threads (:mod:`community.threads`).
A closed community shows its threads to its members and moderators only (DESIGN.md §5).
"""

from __future__ import annotations

from typing import cast

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor, CommunityVisibility, PostingPolicy
from community.audience import members_only as is_private
from community.errors import InvalidInput, NameTaken
from community.governance import GroupRequest, moderators_of
from community.groups import found_group
from community.markdown import render_markdown
from community.names import InvalidName
from community.pages import may_read_members_only, viewer_standing
from community.software import receiving_software
from community.threads import SORTS, Cursor, ThreadPage, ThreadSort, list_threads, pinned_threads
from fediverse.web import acting
from fediverse.web.forms import member_visit, posted_form, text_field
from fediverse.web.links import actor_path
from fediverse.web.named import group_named
from fediverse.web.state import context
from fediverse.web.templating import Visit, render, visit

POSTING_POLICIES: dict[str, str] = {
    "members": "Members may start threads and reply",
    "anyone": "Anyone may start threads and reply, members or not",
    "moderators": "Only moderators start threads; members reply",
}
#: a community's visibility (docs/private-communities.md): value → (label, what it means)
VISIBILITY: dict[str, tuple[str, str]] = {
    "public": (
        "Public",
        "anyone reads it; it is listed on the front page, the directory and search",
    ),
    "unlisted": (
        "Unlisted",
        "anyone reads it, but it is left out of lists and search: found by its exact handle",
    ),
    "private": (
        "Private",
        "members only: moderators approve who joins, and its posts go only to servers with a "
        "member that keep them to the members (never listed anywhere)",
    ),
}
MAX_SUMMARY = 5000


def _sort_and_cursor(request: Request) -> tuple[ThreadSort, Cursor | None]:
    sort = request.query_params.get("sort", "active")
    if sort not in SORTS:
        raise InvalidInput(f"threads are sorted by {', '.join(SORTS)}, not {sort[:20]!r}")
    after = request.query_params.get("after")
    return sort, Cursor.decode(sort, after) if after else None


async def community_page(request: Request, group: Actor) -> Response:
    sort, cursor = _sort_and_cursor(request)
    seen = await visit(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        standing = await viewer_standing(conn, group, seen.viewer)
        members_only = may_read_members_only(group, standing)
        readable = not is_private(group) or members_only
        moderators = await moderators_of(conn, group)
        pinned = []
        page = ThreadPage([], None)
        if readable:
            if cursor is None:
                pinned = await pinned_threads(conn, group.id, members_only=members_only)
            page = await list_threads(conn, group.id, sort, cursor, members_only=members_only)
    return render(
        seen,
        "community.html",
        group=group,
        handle=f"@{group.username}@{group.domain}",
        standing=standing,
        readable=readable,
        moderators=moderators,
        pinned=pinned,
        page=page,
        sort=sort,
        sorts=SORTS,
        first_page=cursor is None,
        page_url=ctx.urls.base_url + actor_path(group),
        posting_policies=POSTING_POLICIES,
        private=is_private(group),
        receiving_software=", ".join(receiving_software()),
    )


async def join(request: Request) -> Response:
    seen = await member_visit(request)
    await posted_form(request)
    ctx = context(request)
    group = await group_named(ctx, request.path_params["name"])
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        await acting.join(conn, ctx.urls, seen.viewer, group)
    return RedirectResponse(actor_path(group), status_code=303)


async def leave(request: Request) -> Response:
    seen = await member_visit(request)
    await posted_form(request)
    ctx = context(request)
    group = await group_named(ctx, request.path_params["name"])
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        await acting.leave(conn, ctx.urls, seen.viewer, group)
    return RedirectResponse(actor_path(group), status_code=303)


def _new_form(seen: Visit, status: int = 200, error: str = "", **values: str) -> Response:
    return render(
        seen,
        "new_community.html",
        status,
        error=error,
        policies=POSTING_POLICIES,
        visibilities=VISIBILITY,
        form=values,
    )


async def new_community_form(request: Request) -> Response:
    return _new_form(await member_visit(request), posting_policy="members", visibility="public")


def _new_values(form: FormData) -> dict[str, str]:
    """The new community form's fields, as the form shows them again."""
    values = {
        name: text_field(form, name, MAX_SUMMARY)
        for name in ("name", "title", "summary", "posting_policy", "visibility")
    }
    values["closed"] = "on" if form.get("closed") else ""
    # as POST /api/v1/groups: without a choice, a closed community is private
    values["visibility"] = values["visibility"] or ("private" if values["closed"] else "public")
    return values


async def new_community(request: Request) -> Response:
    """A member creates a community by the server's rule (``FEDIVERSE_GROUP_CREATION``, as
    ``POST /api/v1/groups``): at once, its creator its first moderator; or a request that an
    administrator answers; or (``admins``) administrators only. A private one is closed
    (:func:`community.actors.create_local_actor`, as the API and CLI)."""
    seen = await member_visit(request)
    values = _new_values(await posted_form(request))
    policy = values["posting_policy"]
    if policy not in POSTING_POLICIES:
        return _new_form(seen, 422, "Choose who may post.", **values)
    if values["visibility"] not in VISIBILITY:
        return _new_form(seen, 422, "Choose who may read it.", **values)
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        try:
            made = await found_group(
                conn,
                ctx.urls,
                ctx.settings.group_creation,
                seen.viewer,
                values["name"].strip(),
                name=values["title"].strip()[:100] or values["name"].strip(),
                summary=render_markdown(values["summary"]),
                closed=bool(values["closed"]),
                posting_policy=cast(PostingPolicy, policy),
                visibility=cast(CommunityVisibility, values["visibility"]),
            )
        except (InvalidInput, InvalidName, NameTaken) as exc:
            return _new_form(seen, 422, str(exc).capitalize() + ".", **values)
        if isinstance(made, GroupRequest):
            return _asked(seen, made)
        if not made.manually_approves_followers:  # its creator is its first member
            await acting.join(conn, ctx.urls, seen.viewer, made)
    return RedirectResponse(actor_path(made), status_code=303)


def _asked(seen: Visit, asked: GroupRequest) -> Response:
    message = (
        f"Your request to create @{asked.username} waits for an administrator of this server. "
        "Once approved, you will be its first moderator."
    )
    return render(seen, "message.html", 202, title="Request sent", message=message)


routes = [
    Route("/communities/new", new_community_form, methods=["GET"]),
    Route("/communities/new", new_community, methods=["POST"]),
    Route("/@{name}/join", join, methods=["POST"]),
    Route("/@{name}/leave", leave, methods=["POST"]),
]
