"""Timelines (docs.joinmastodon.org/methods/timelines): home, public (``local``/``remote``),
tag (with ``any[]``, ``all[]``, ``none[]``), and each group one follows as a list:
``GET /api/v1/lists`` names the followed groups (the list id is the group's account id) and
``/api/v1/timelines/list/:id`` is the group's timeline, so apps with list support show one's
communities without changes."""

from __future__ import annotations

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.statuses import (
    Entry,
    TagQuery,
    actor_entries,
    followed_groups,
    home_entries,
    public_entries,
    tag_entries,
)
from fediverse.api.auth import optional, require
from fediverse.api.common import account_actor, answer, path_id, render_entries
from fediverse.api.entities import JSON
from fediverse.api.errors import not_found
from fediverse.api.params import Params, link_header, read_page, read_params
from fediverse.web.state import context


def _page_answer(request: Request, rendered: list[JSON], entries: list[Entry]) -> Response:
    return answer(rendered, link_header(request, [e.entry_id for e in entries]))


async def home(request: Request) -> Response:
    caller = await require(request, "read:statuses")
    page = read_page(await read_params(request))
    async with context(request).pool.acquire() as conn:
        entries = await home_entries(conn, caller.person, page)
        rendered = await render_entries(request, conn, entries, caller.actor)
    return _page_answer(request, rendered, entries)


async def public(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    params = await read_params(request)
    page = read_page(params)
    async with context(request).pool.acquire() as conn:
        if params.flag("only_media"):
            entries: list[Entry] = []
        else:
            entries = await public_entries(
                conn,
                page,
                local_only=params.flag("local"),
                remote_only=params.flag("remote"),
                viewer_id=viewer.id if viewer else 0,
            )
        rendered = await render_entries(request, conn, entries, viewer)
    return _page_answer(request, rendered, entries)


def _tag_query(request: Request, params: Params) -> TagQuery:
    """The path's tag, and Mastodon's ``any[]``, ``all[]``, ``none[]`` (at most 4 each)."""
    return TagQuery(
        str(request.path_params["hashtag"])[:100],
        *(tuple(t[:100] for t in params.list(name)[:4]) for name in ("any", "all", "none")),
    )


async def tag(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    params = await read_params(request)
    page = read_page(params)
    query = _tag_query(request, params)
    async with context(request).pool.acquire() as conn:
        entries = await tag_entries(
            conn, query, page, local_only=params.flag("local"), viewer_id=viewer.id if viewer else 0
        )
        rendered = await render_entries(request, conn, entries, viewer)
    return _page_answer(request, rendered, entries)


async def group_timeline(request: Request) -> Response:
    """A followed group's threads, each shown as the group's reblog."""
    caller = await require(request, "read:lists")
    page = read_page(await read_params(request))
    async with context(request).pool.acquire() as conn:
        group = await account_actor(conn, path_id(request))
        if not group.is_group:
            raise not_found()
        entries = await actor_entries(conn, group, caller.actor, page, exclude_replies=True)
        rendered = await render_entries(request, conn, entries, caller.actor)
    return _page_answer(request, rendered, entries)


def render_list(row: asyncpg.Record) -> JSON:
    """A followed group as a Mastodon List entity."""
    return {
        "id": str(row["id"]),
        "title": str(row["name"] or row["username"]),
        "replies_policy": "list",
        "exclusive": False,
    }


async def lists(request: Request) -> Response:
    caller = await require(request, "read:lists")
    async with context(request).pool.acquire() as conn:
        groups = await followed_groups(conn, caller.person.id)
    return answer([render_list(g) for g in groups])


async def account_lists(request: Request) -> Response:
    """The lists an account is on: a group one follows is on its own list."""
    caller = await require(request, "read:lists")
    wanted = path_id(request)
    async with context(request).pool.acquire() as conn:
        await account_actor(conn, wanted)
        groups = await followed_groups(conn, caller.person.id)
    return answer([render_list(g) for g in groups if g["id"] == wanted])


async def one_list(request: Request) -> Response:
    caller = await require(request, "read:lists")
    wanted = path_id(request)
    async with context(request).pool.acquire() as conn:
        groups = await followed_groups(conn, caller.person.id)
    for group in groups:
        if group["id"] == wanted:
            return answer(render_list(group))
    raise not_found()


routes = [
    Route("/api/v1/timelines/home", home, methods=["GET"]),
    Route("/api/v1/timelines/public", public, methods=["GET"]),
    Route("/api/v1/timelines/tag/{hashtag}", tag, methods=["GET"]),
    Route("/api/v1/timelines/list/{id}", group_timeline, methods=["GET"]),
    Route("/api/v1/timelines/group/{id}", group_timeline, methods=["GET"]),
    Route("/api/v1/lists", lists, methods=["GET"]),
    Route("/api/v1/lists/{id}", one_list, methods=["GET"]),
    Route("/api/v1/accounts/{id}/lists", account_lists, methods=["GET"]),
]
