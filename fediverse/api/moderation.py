"""``/api/v1/groups/NAME/…``: moderators' work on a community (docs/api.md): acts on posts,
bans, the pre-moderation queue, reports (the reporter shown to moderators only), and the
moderation log as JSON. Every act goes through :mod:`outbox.moderation`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.moderation import find_held_post_by_id, held_posts, list_bans, list_reports
from community.modlog import recent_entries
from community.posts import content_of, title_of
from federation.vocabulary import parse_object
from fediverse.api.auth import require
from fediverse.api.common import account_actor, answer, path_id, visible_post
from fediverse.api.entities import iso
from fediverse.api.errors import invalid, not_found
from fediverse.api.groups import (
    answer_result,
    local_group,
    moderator_of,
    refused,
    require_moderator,
)
from fediverse.api.params import read_params
from fediverse.web.state import context
from outbox import moderation
from outbox.errors import ActRefused


async def act_on_status(request: Request) -> Response:
    kind = moderation.POST_ACT_KINDS.get(request.path_params["act"])
    if kind is None:
        raise not_found()
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        post = await visible_post(conn, path_id(request), caller.actor)
        if kind == "restore_post" or post.group_id != group.id:
            raise not_found()
        who = await moderator_of(conn, request, caller, group)
        reason = params.text("reason") or ""
        try:
            result = await moderation.act_on_post(conn, ctx.urls, who, kind, post.uri, reason)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def restore_status(request: Request) -> Response:
    """A removed post is visible to no one: it is named by its id among the group's."""
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        reason = params.text("reason") or ""
        uri = params.text("uri") or ""
        try:
            result = await moderation.act_on_post(conn, ctx.urls, who, "restore_post", uri, reason)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def bans(request: Request) -> Response:
    caller = await require(request, "read")
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        await require_moderator(conn, request, caller, group)
        rows = await list_bans(conn, group)
    return answer(
        [
            {
                "account_id": str(r["actor_id"]),
                "uri": r["person_uri"],
                "acct": f"{r['username']}@{r['domain']}",
                "reason": r["reason"],
                "created_at": iso(r["created_at"]),
                "expires_at": iso(r["expires_at"]),
            }
            for r in rows
        ]
    )


async def ban(request: Request) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        account_id = params.integer("account_id")
        if account_id is None:
            raise invalid("account_id is required")
        person = await account_actor(conn, account_id)
        who = await moderator_of(conn, request, caller, group)
        try:
            result = await moderation.ban(
                conn,
                ctx.urls,
                who,
                group,
                person,
                reason=params.text("reason") or "",
                days=params.integer("days"),
                remove_data=params.flag("remove_data"),
            )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def unban(request: Request) -> Response:
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        person = await account_actor(conn, path_id(request, "account_id"))
        who = await moderator_of(conn, request, caller, group)
        reason = params.text("reason") or ""
        try:
            result = await moderation.unban(conn, ctx.urls, who, group, person, reason)
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


def render_held(row: Any) -> dict[str, Any]:
    obj = parse_object(row["object"])
    content = content_of(obj)
    return {
        "id": str(row["id"]),
        "uri": row["object_uri"],
        "account": {
            "uri": row["author_uri"],
            "acct": f"{row['author_username']}@{row['author_domain']}",
        },
        "title": title_of(obj, content),
        "content": content,
        "created_at": iso(row["created_at"]),
    }


async def queue(request: Request) -> Response:
    caller = await require(request, "read")
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        await require_moderator(conn, request, caller, group)
        rows = await held_posts(conn, group)
    return answer([render_held(r) for r in rows])


async def decide(request: Request) -> Response:
    approve = request.path_params["decision"] == "approve"
    if request.path_params["decision"] not in ("approve", "reject"):
        raise not_found()
    caller = await require(request, "write")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        held = await find_held_post_by_id(conn, group, path_id(request))
        if held is None:
            raise not_found()
        who = await moderator_of(conn, request, caller, group)
        try:
            result = await moderation.decide_held(
                conn,
                ctx.urls,
                who,
                held.object_uri,
                approve=approve,
                reason=params.text("reason") or "",
                group=group,
            )
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def reports(request: Request) -> Response:
    caller = await require(request, "read")
    params = await read_params(request)
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        await require_moderator(conn, request, caller, group)
        rows = await list_reports(conn, group, resolved=params.flag("resolved"))
    return answer(
        [
            {
                "id": str(r["id"]),
                "state": r["state"],
                "action_taken": r["state"] == "resolved",
                "comment": r["content"],
                "targets": list(r["target_uris"]),
                "reporter": {
                    "uri": r["reporter_uri"],
                    "acct": f"{r['reporter_username']}@{r['reporter_domain']}",
                },
                "created_at": iso(r["created_at"]),
                "resolved_at": iso(r["resolved_at"]),
            }
            for r in rows
        ]
    )


async def resolve(request: Request) -> Response:
    caller = await require(request, "write")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        group = await local_group(conn, request)
        who = await moderator_of(conn, request, caller, group)
        try:
            result = await moderation.resolve(conn, ctx.urls, who, path_id(request))
        except ActRefused as exc:
            raise refused(exc) from None
    return answer_result(result)


async def modlog(request: Request) -> Response:
    """The log as JSON, newest first (``max_id`` pages): public, like its AS2 collection."""
    params = await read_params(request)
    async with context(request).pool.acquire() as conn:
        group = await local_group(conn, request)
        entries = await recent_entries(conn, group, before=params.integer("max_id"))
    return answer(
        [
            {
                "id": str(e.id),
                "kind": e.kind,
                "actor": e.actor_uri,
                "by_admin": e.by_admin,
                "reason": e.reason,
                "proposal_id": str(e.proposal_id) if e.proposal_id else None,
                "created_at": iso(e.created_at),
                "activity": e.activity,
            }
            for e in entries
        ]
    )


routes = [
    Route("/api/v1/groups/{name}/statuses/restore", restore_status, methods=["POST"]),
    Route("/api/v1/groups/{name}/statuses/{id}/{act}", act_on_status, methods=["POST"]),
    Route("/api/v1/groups/{name}/bans", bans, methods=["GET"]),
    Route("/api/v1/groups/{name}/bans", ban, methods=["POST"]),
    Route("/api/v1/groups/{name}/bans/{account_id}", unban, methods=["DELETE"]),
    Route("/api/v1/groups/{name}/queue", queue, methods=["GET"]),
    Route("/api/v1/groups/{name}/queue/{id}/{decision}", decide, methods=["POST"]),
    Route("/api/v1/groups/{name}/reports", reports, methods=["GET"]),
    Route("/api/v1/groups/{name}/reports/{id}/resolve", resolve, methods=["POST"]),
    Route("/api/v1/groups/{name}/modlog", modlog, methods=["GET"]),
]
