"""``/api/v1/groups/…``: communities for members' and moderators' tools (docs/api.md).

Creating a community (``FEDIVERSE_GROUP_CREATION``), its governance view, its profile and
rules, its team and its proposals. Every act goes through :mod:`outbox.moderation` (the same
functions the CLI and the web pages call): answered 200 when applied, 202 when it became a
proposal (or was sent to another server), with the result's ``state``.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import (
    COMMUNITY_VISIBILITIES,
    Actor,
    PostingPolicy,
    find_local_actor,
)
from community.audience import group_visibility
from community.errors import FediverseError
from community.governance import GroupRequest, group_settings, moderators_of
from community.groups import found_group
from community.html import summary_html
from community.modlog import modlog_uri
from community.storage.database import Conn
from fediverse.api.auth import Caller, optional, require
from fediverse.api.common import account_actor, answer, path_id, render_accounts
from fediverse.api.errors import ApiError, invalid, not_found
from fediverse.api.params import Params, read_params
from fediverse.web.state import context
from outbox.errors import ActRefused
from outbox.governance import Submitted, Voted
from outbox.governance.views import ProposalView, proposal_views, result_json
from outbox.moderation import (
    GroupChanges,
    Moderator,
    acting_in,
    change_team,
    check_moderates,
    decide_proposal,
    delete_group,
    set_group,
)

#: How a refused act is answered.
REFUSAL_STATUS = {"not_moderator": 403, "not_found": 404, "invalid": 422, "closed": 409}


def refused(exc: ActRefused | FediverseError) -> ApiError:
    if isinstance(exc, ActRefused):
        return ApiError(REFUSAL_STATUS[exc.reason], str(exc))
    return invalid(str(exc))


def answer_result(result: Submitted | Voted) -> Response:
    body = result_json(result)
    return answer(body, status=200 if body["state"] in ("applied", "declined") else 202)


async def local_group(conn: Conn, request: Request) -> Actor:
    group = await find_local_actor(conn, request.path_params["name"])
    if group is None or not group.is_group or group.deleted_at is not None:
        raise not_found()
    return group


async def moderator_of(conn: Conn, request: Request, caller: Caller, group: Actor) -> Moderator:
    """How the caller acts on ``group`` (a moderator, or an admin marked as such)."""
    return await acting_in(conn, context(request).urls, caller.person, group)


async def require_moderator(conn: Conn, request: Request, caller: Caller, group: Actor) -> None:
    """Moderators' views: the group's moderators (and admins) only."""
    try:
        await check_moderates(conn, await moderator_of(conn, request, caller, group), group)
    except ActRefused as exc:
        raise refused(exc) from None


async def render_group(request: Request, conn: Conn, group: Actor) -> dict[str, Any]:
    settings = await group_settings(conn, group)
    team = [m.id for m in await moderators_of(conn, group)]
    return {
        "id": str(group.id),
        "name": group.username,
        "title": group.name,
        "summary": group.summary,
        "rules": group.rules or "",
        "uri": group.uri,
        "url": group.url,
        "closed": group.manually_approves_followers,
        "visibility": group_visibility(group),
        "posting": group.posting_policy,
        "premoderation": settings.premoderation,
        "quorum": settings.quorum,
        "moderators": await render_accounts(request, conn, team),
        "modlog": modlog_uri(group),
    }


async def create(request: Request) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    name = params.text("name") or ""
    posting = params.text("posting") or "members"
    if posting not in ("members", "anyone", "moderators"):
        raise invalid("posting must be members, anyone or moderators")
    closed = params.flag("closed")
    visibility = params.text("visibility") or ("private" if closed else "public")
    if visibility not in COMMUNITY_VISIBILITIES:
        raise invalid("visibility must be public, unlisted or private")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        try:
            made = await found_group(
                conn,
                ctx.urls,
                ctx.settings.group_creation,
                caller.person,
                name,
                name=params.text("title") or name,
                summary=summary_html(params.text("summary") or ""),
                closed=closed or visibility == "private",
                posting_policy=cast(PostingPolicy, posting),
                visibility=visibility,
            )
        except (FediverseError, ValueError) as exc:
            raise invalid(str(exc)) from None
        if isinstance(made, GroupRequest):
            return answer({"state": "pending", "name": made.username}, status=202)
        return answer(await render_group(request, conn, made))


async def show(request: Request) -> Response:
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        return answer(await render_group(request, conn, group))


def changes_of(params: Params) -> GroupChanges:
    closed = params.get("closed")
    return GroupChanges(
        title=params.text("title"),
        summary=params.text("summary"),
        posting=params.text("posting"),
        premoderation=params.text("premoderation"),
        closed=None if closed is None else params.flag("closed"),
        quorum=params.text("quorum"),
        visibility=params.text("visibility"),
        rules=params.text("rules"),
    )


async def update(request: Request) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        reason = params.text("reason") or ""
        try:
            results = await set_group(conn, ctx.urls, who, group, changes_of(params), reason)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer({"results": [result_json(r) for _, r in results]})


async def destroy(request: Request) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        try:
            result = await delete_group(conn, ctx.urls, who, group, params.text("reason") or "")
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def moderators(request: Request) -> Response:
    await optional(request, "read")
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        team = [m.id for m in await moderators_of(conn, group)]
        return answer(await render_accounts(request, conn, team))


async def _team_change(request: Request, person_id: int | None, *, add: bool) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        account_id = person_id if person_id is not None else params.integer("account_id")
        if account_id is None:
            raise invalid("account_id is required")
        person = await account_actor(conn, account_id)
        who = await moderator_of(conn, request, caller, group)
        reason = params.text("reason") or ""
        try:
            result = await change_team(conn, ctx.urls, who, group, person, add=add, reason=reason)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def add_moderator(request: Request) -> Response:
    return await _team_change(request, None, add=True)


async def remove_moderator(request: Request) -> Response:
    return await _team_change(request, path_id(request, "account_id"), add=False)


def render_proposal(view: ProposalView) -> dict[str, Any]:
    p = view.proposal
    return {
        "id": str(p.id),
        "uri": p.uri,
        "kind": p.kind,
        "params": p.params,
        "reason": p.reason,
        "state": view.status,
        "approvals": view.approvals,
        "declines": view.declines,
        "needed": view.needed,
        "proposer": view.proposer.uri,
        "votes": [{"voter": voter, "approve": approve} for voter, approve in view.votes],
        "created_at": p.created_at.isoformat(),
        "expires_at": p.expires_at.isoformat(),
        "act": p.act,
    }


async def proposals(request: Request) -> Response:
    """A group's proposals (public: they are on its moderation log too)."""
    params = await read_params(request)
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        views = await proposal_views(conn, group, open_only=params.flag("open"))
    return answer([render_proposal(v) for v in views])


async def _vote(request: Request, *, approve: bool) -> Response:
    caller = await require(request, "write")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = Moderator(caller.person)
        proposal_id = path_id(request)
        try:
            result = await decide_proposal(conn, ctx.urls, who, group, proposal_id, approve=approve)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def approve(request: Request) -> Response:
    return await _vote(request, approve=True)


async def decline(request: Request) -> Response:
    return await _vote(request, approve=False)


routes = [
    Route("/api/v1/groups", create, methods=["POST"]),
    Route("/api/v1/groups/{name}", show, methods=["GET"]),
    Route("/api/v1/groups/{name}", update, methods=["PATCH"]),
    Route("/api/v1/groups/{name}", destroy, methods=["DELETE"]),
    Route("/api/v1/groups/{name}/moderators", moderators, methods=["GET"]),
    Route("/api/v1/groups/{name}/moderators", add_moderator, methods=["POST"]),
    Route("/api/v1/groups/{name}/moderators/{account_id}", remove_moderator, methods=["DELETE"]),
    Route("/api/v1/groups/{name}/proposals", proposals, methods=["GET"]),
    Route("/api/v1/groups/{name}/proposals/{id}/approve", approve, methods=["POST"]),
    Route("/api/v1/groups/{name}/proposals/{id}/decline", decline, methods=["POST"]),
]
