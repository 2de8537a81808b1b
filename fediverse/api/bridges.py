"""The moderators' API for bridges (docs/bridges.md), beside governance's
``/api/v1/groups/NAME/…``: the same functions as the CLI and the settings page
(:mod:`outbox.bridges`), and the same answers (:func:`outbox.governance.views.result_json`).

* ``GET /api/v1/groups/NAME/bridges``: its bridges, who bridges it, what it recommends, relays;
* ``POST /api/v1/groups/NAME/bridges`` ``{source, filter?, words?, muted?, reason?}``: make one;
* ``PATCH /api/v1/groups/NAME/bridges`` ``{source, filter, words?, muted?}``: filter one;
* ``DELETE /api/v1/groups/NAME/bridges?source=…``: cut one;
* ``POST /api/v1/groups/NAME/bridges/withdraw`` ``{post, reason?}``: take a carried post down;
* ``POST /api/v1/groups/NAME/recommendations`` ``{community, undo?}``;
* ``POST /api/v1/groups/NAME/relays`` ``{opt_in}``.

Communities are named by ``acct`` (``name`` or ``name@host``) or id. Answers and refusals are
governance's (:mod:`fediverse.api.groups`): 200 applied, 202 proposed; 403 (not a moderator),
404 (nothing there), 422 (a bad act) or 409 (closed), with the reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import Actor, find_actor_by_uri, find_local_actor
from community.errors import FediverseError
from community.storage.database import Conn
from federation.errors import FederationError
from fediverse.api.auth import require
from fediverse.api.common import answer, resolve_remote
from fediverse.api.errors import ApiError, not_found
from fediverse.api.groups import (
    answer_result,
    local_group,
    moderator_of,
    refused,
    require_moderator,
)
from fediverse.api.params import Params, read_params
from fediverse.web.state import context
from outbox import bridges
from outbox.errors import ActRefused
from outbox.moderation import Moderator

FILTERS = ("all", "top")


async def community_named(request: Request, conn: Conn, ref: str | None) -> Actor:
    """A community by id, by ``acct`` (``name@host``, WebFinger), or by local name."""
    if not ref:
        raise ApiError(422, "Validation failed: name a community")
    ref = ref.lstrip("@")
    if ref.startswith(("https://", "http://")):
        found = await find_actor_by_uri(conn, ref) or await _fetched(request, ref)
    elif "@" in ref and ref.split("@", 1)[1] != context(request).urls.domain:
        found = await resolve_remote(request, f"@{ref}")
    else:
        found = await find_local_actor(conn, ref.split("@", 1)[0])
    if found is None or not found.is_group:
        raise not_found()
    return found


async def _fetched(request: Request, uri: str) -> Actor | None:
    try:
        return await context(request).remote.get_actor(uri)
    except (FederationError, FediverseError):
        return None


@asynccontextmanager
async def acting(request: Request) -> AsyncIterator[tuple[Conn, Actor, Moderator, Params]]:
    """The caller's connection, the community the path names (ours), who acts, parameters."""
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        yield conn, group, who, params


def _filter_of(params: Params) -> str:
    value = params.text("filter") or "all"
    if value not in FILTERS:
        raise ApiError(422, "Validation failed: filter must be all or top")
    return value


async def list_bridges(request: Request) -> Response:
    caller = await require(request, "read")
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        await require_moderator(conn, request, caller, group)
        view = await bridges.bridges_view(conn, group)
    return answer(view.json())


async def change_bridge(request: Request) -> Response:
    """POST makes a bridge, PATCH filters it, DELETE cuts it."""
    async with acting(request) as (conn, group, who, params):
        source = await community_named(request, conn, params.text("source"))
        reason = params.text("reason") or ""
        terms = {"words": params.list("words"), "muted": params.list("muted")}
        urls = context(request).urls
        try:
            if request.method == "DELETE":
                result = await bridges.cut_bridge(conn, urls, who, group, source, reason)
            elif request.method == "PATCH":
                filter_ = _filter_of(params)
                result = await bridges.filter_bridge(
                    conn, urls, who, group, source, filter_=filter_, reason=reason, **terms
                )
            else:
                filter_ = _filter_of(params)
                result = await bridges.make_bridge(
                    conn, urls, who, group, source, filter_=filter_, reason=reason, **terms
                )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def withdraw(request: Request) -> Response:
    async with acting(request) as (conn, group, who, params):
        post, reason = params.text("post") or "", params.text("reason") or ""
        try:
            result = await bridges.remove_bridged_post(
                conn, context(request).urls, who, group, post, reason
            )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def recommendations(request: Request) -> Response:
    async with acting(request) as (conn, group, who, params):
        other = await community_named(request, conn, params.text("community"))
        try:
            result = await bridges.recommend_community(
                conn, context(request).urls, who, group, other, add=not params.flag("undo")
            )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def relays(request: Request) -> Response:
    async with acting(request) as (conn, group, who, params):
        if "opt_in" not in params:
            raise ApiError(422, "Validation failed: opt_in is required")
        try:
            result = await bridges.opt_in_relays(
                conn, context(request).urls, who, group, opt_in=params.flag("opt_in")
            )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


routes = [
    Route("/api/v1/groups/{name}/bridges", list_bridges, methods=["GET"]),
    Route("/api/v1/groups/{name}/bridges", change_bridge, methods=["POST", "PATCH", "DELETE"]),
    Route("/api/v1/groups/{name}/bridges/withdraw", withdraw, methods=["POST"]),
    Route("/api/v1/groups/{name}/recommendations", recommendations, methods=["POST"]),
    Route("/api/v1/groups/{name}/relays", relays, methods=["POST"]),
]
