"""A community's settings page for its moderators (``/@NAME/moderation``): title, about, its
rules (Markdown, apart from the about text), who may read it (public, unlisted, private), who
may join, who may post, pre-moderation, the consent acts need; and what waits for the
moderators elsewhere (proposals, join requests, the queue, reports).

Saving submits one act per setting that changed (:func:`outbox.moderation.set_group`, as
``fediverse group set`` and ``PATCH /api/v1/groups/NAME``): the profile (its rules text too)
applies at once, the other settings once the quorum agrees when there are two moderators or
more.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community.actors import Actor
from community.audience import group_visibility
from community.governance import GroupSettings, group_settings
from community.html import html_to_text
from community.markdown import render_markdown
from community.moderation_pages import waiting_for
from fediverse.web.forms import posted_form, text_field
from fediverse.web.groups import POSTING_POLICIES, VISIBILITY
from fediverse.web.moderation.common import Desk, desk, show
from fediverse.web.moderation.words import PREMODERATION, QUORUM
from fediverse.web.state import context
from outbox.errors import ActRefused
from outbox.governance import Proposed
from outbox.moderation import GroupChanges, set_group

MAX_TITLE = 100
MAX_SUMMARY = 5000
MAX_RULES = 5000
MAX_REASON = 1000


def _current(group: Actor, rules: GroupSettings) -> dict[str, str]:
    """The settings as the form shows them."""
    return {
        "title": group.name or group.username,
        "summary": html_to_text(group.summary or ""),
        "rules": html_to_text(group.rules or ""),
        "posting": group.posting_policy,
        "closed": "on" if group.manually_approves_followers else "",
        "premoderation": rules.premoderation,
        "quorum": rules.quorum,
        "visibility": group_visibility(group),
    }


async def _show(place: Desk, status: int = 200, error: str = "", **form: str) -> Response:
    async with context(place.seen.request).pool.acquire() as conn:
        rules = await group_settings(conn, place.group)
        waiting = await waiting_for(conn, place.group)
    return show(
        place,
        "moderation/settings.html",
        "",
        status,
        error=error,
        form=form or _current(place.group, rules),
        waiting=waiting,
        policies=POSTING_POLICIES,
        premoderation=PREMODERATION,
        quorum=QUORUM,
        visibilities=VISIBILITY,
    )


async def settings_page(request: Request) -> Response:
    return await _show(await desk(request))


def changes(form: FormData, now: dict[str, str]) -> GroupChanges:
    """What the form changes (a setting left as it was is not an act)."""

    def changed(name: str, limit: int) -> str | None:
        value = text_field(form, name, limit).strip()
        return value if value != now[name] else None

    summary = changed("summary", MAX_SUMMARY)
    closed = "on" if form.get("closed") else ""
    return GroupChanges(
        title=changed("title", MAX_TITLE),
        summary=render_markdown(summary) if summary is not None else None,
        posting=changed("posting", 20),
        premoderation=changed("premoderation", 20),
        closed=bool(closed) if closed != now["closed"] else None,
        quorum=changed("quorum", 20),
        visibility=changed("visibility", 20) if "visibility" in form else None,
        rules=changed("rules", MAX_RULES) if "rules" in form else None,
    )


async def save_settings(request: Request) -> Response:
    place = await desk(request)
    form = await posted_form(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        now = _current(place.group, await group_settings(conn, place.group))
        wanted = changes(form, now)
        if not wanted.acts():
            return await _show(place, 422, "Nothing changed.")
        reason = text_field(form, "reason", MAX_REASON).strip()
        try:
            results = await set_group(conn, ctx.urls, place.who, place.group, wanted, reason)
        except ActRefused as exc:
            if exc.reason != "invalid":
                raise
            return await _show(place, 422, str(exc).capitalize() + ".")
    proposed = any(isinstance(result, Proposed) for _, result in results)
    said = {"proposed": "settings"} if proposed else {"done": "settings"}
    return RedirectResponse(f"{place.base}?{urlencode(said)}", status_code=303)


routes = [
    Route("/@{name}/moderation", settings_page, methods=["GET"]),
    Route("/@{name}/moderation", save_settings, methods=["POST"]),
]
