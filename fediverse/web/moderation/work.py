"""What moderators work through: the pre-moderation queue (approve, or reject with a reason),
reports (resolve) and bans (with a reason and an end date; lift). Each act goes through
:mod:`outbox.moderation` (``decide_held``, ``resolve``, ``ban``, ``unban``), as the API's and
the CLI's. Who reported is shown to moderators only (here).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.actors import find_actor_by_id
from community.errors import InvalidInput, NotFoundError
from community.moderation import (
    find_held_post_by_id,
    find_report,
    held_posts,
    list_bans,
    list_reports,
)
from community.moderation_pages import named_on_log
from community.posts import content_of, title_of
from federation.vocabulary import parse_object
from fediverse.web.forms import posted_form, text_field
from fediverse.web.moderation.common import back, desk, person_named, show
from fediverse.web.moderation.words import Names
from fediverse.web.state import context
from outbox.moderation import ban, decide_held, resolve, unban

MAX_REASON = 1000
MAX_HANDLE = 300
MAX_BAN_DAYS = 36500


def _number(request: Request, name: str = "id") -> int:
    value = str(request.path_params[name])
    if not value.isdigit() or len(value) > 18:
        raise NotFoundError(name)
    return int(value)


def held_view(row: Any) -> dict[str, Any]:
    """A held post as the queue shows it (its content sanitised by :func:`content_of`)."""
    obj = parse_object(row["object"])
    content = content_of(obj)
    return {
        "id": row["id"],
        "title": title_of(obj, content),
        "reply": obj.in_reply_to is not None,
        "content_html": content,
        "author_username": row["author_username"],
        "author_domain": row["author_domain"],
        "created_at": row["created_at"],
    }


async def queue_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        rows = await held_posts(conn, place.group)
    return show(place, "moderation/queue.html", "/queue", held=[held_view(r) for r in rows])


async def decide(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    decision = form.get("decision")
    if decision not in ("approve", "reject"):
        raise InvalidInput("a held post is approved or rejected")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        held = await find_held_post_by_id(conn, place.group, _number(request))
        if held is None:
            raise NotFoundError("held post")
        result = await decide_held(
            conn,
            ctx.urls,
            place.who,
            held.object_uri,
            approve=decision == "approve",
            reason=text_field(form, "reason", MAX_REASON).strip(),
            group=place.group,
        )
    return back(place.base + "/queue", result, f"{decision}_post")


async def reports_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        rows = await list_reports(conn, place.group)
        names = Names(await named_on_log(conn, [u for r in rows for u in r["target_uris"]]))
    return show(place, "moderation/reports.html", "/reports", reports=rows, names=names)


async def resolve_report(request: Request) -> Response:
    place = await desk(request)
    await posted_form(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        report = await find_report(conn, _number(request))
        if report is None or report.group_id != place.group.id:
            raise NotFoundError("report")
        result = await resolve(conn, ctx.urls, place.who, report.id)
    return back(place.base + "/reports", result, "resolve_report")


async def bans_page(request: Request) -> Response:
    place = await desk(request)
    async with context(request).pool.acquire() as conn:
        rows = await list_bans(conn, place.group)
    today = datetime.now(UTC).date()
    return show(place, "moderation/bans.html", "/bans", bans=rows, today=today.isoformat())


def days_until(value: str) -> int | None:
    """Whole days from today to the end date ``value`` (YYYY-MM-DD); None: no end."""
    if not value:
        return None
    try:
        end = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("give the ban's end as a date (YYYY-MM-DD)") from None
    days = (end - datetime.now(UTC).date()).days
    if not 0 < days <= MAX_BAN_DAYS:
        raise InvalidInput("a ban ends after today, within a hundred years")
    return days


async def add_ban(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    days = days_until(text_field(form, "until", 20).strip())
    person = await person_named(request, text_field(form, "handle", MAX_HANDLE))
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        result = await ban(
            conn,
            ctx.urls,
            place.who,
            place.group,
            person,
            reason=text_field(form, "reason", MAX_REASON).strip(),
            days=days,
            remove_data=bool(form.get("remove_data")),
        )
    return back(place.base + "/bans", result, "ban")


async def lift_ban(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        person = await find_actor_by_id(conn, _number(request))
        if person is None:
            raise NotFoundError("person")
        reason = text_field(form, "reason", MAX_REASON).strip()
        result = await unban(conn, ctx.urls, place.who, place.group, person, reason)
    return back(place.base + "/bans", result, "unban")


routes = [
    Route("/@{name}/moderation/queue", queue_page, methods=["GET"]),
    Route("/@{name}/moderation/queue/{id}", decide, methods=["POST"]),
    Route("/@{name}/moderation/reports", reports_page, methods=["GET"]),
    Route("/@{name}/moderation/reports/{id}/resolve", resolve_report, methods=["POST"]),
    Route("/@{name}/moderation/bans", bans_page, methods=["GET"]),
    Route("/@{name}/moderation/bans", add_ban, methods=["POST"]),
    Route("/@{name}/moderation/bans/{id}/lift", lift_ban, methods=["POST"]),
]
