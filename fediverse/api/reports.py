"""``POST /api/v1/reports`` (docs.joinmastodon.org/methods/reports): a member reports an
account and some of its posts. Filed here for the community's moderators (notified; those on
other servers get it forwarded), sent to the community's server when it is elsewhere, and, with
``forward``, to the reported account's server, as Mastodon does (:mod:`outbox.reports`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.moderation import Report
from community.posts import Post
from fediverse.api.auth import require
from fediverse.api.common import account_actor, answer, render_accounts, visible_post
from fediverse.api.entities import iso
from fediverse.api.errors import invalid, not_found
from fediverse.api.groups import refused
from fediverse.api.params import read_params
from fediverse.web.state import context
from outbox.errors import ActRefused
from outbox.reports import MemberReport, report_as_member

MAX_STATUSES = 20


def render_report(
    report: Report, posts: tuple[Post, ...], forwarded: bool, account: dict[str, Any]
) -> dict[str, Any]:
    """Mastodon's ``Report`` entity."""
    return {
        "id": str(report.id),
        "action_taken": report.state == "resolved",
        "action_taken_at": iso(report.resolved_at),
        "category": "other",
        "comment": report.content,
        "forwarded": forwarded,
        "created_at": iso(report.created_at),
        "status_ids": [str(p.id) for p in posts],
        "rule_ids": None,
        "target_account": account,
    }


async def create(request: Request) -> Response:
    caller = await require(request, "write:reports")
    params = await read_params(request)
    account_id = params.integer("account_id")
    if account_id is None:
        raise invalid("Account can't be blank")
    status_ids = params.list("status_ids")[:MAX_STATUSES]
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        account = await account_actor(conn, account_id)
        posts: list[Post] = []
        for status_id in status_ids:
            if not status_id.isdigit():
                raise not_found()
            post = await visible_post(conn, int(status_id), caller.actor)
            if post.author_id != account.id and post.group_id != account.id:
                raise not_found()
            posts.append(post)
        what = MemberReport(
            account, tuple(posts), params.text("comment") or "", params.flag("forward")
        )
        try:
            report, forwarded = await report_as_member(conn, ctx.urls, caller.person, what)
        except ActRefused as exc:
            raise refused(exc) from None
        rendered = (await render_accounts(request, conn, [account.id]))[0]
    return answer(render_report(report, what.posts, forwarded, rendered))


routes = [Route("/api/v1/reports", create, methods=["POST"])]
