"""Rendering pages: one Jinja2 environment (autoescaped), and the :class:`Visit` every page
is rendered for (who is signed in, their CSRF token).

Templates get ``site`` (the settings), ``viewer`` (the signed-in person or None), ``csrf``
and whatever the route passes; links are made by the filters of :mod:`fediverse.web.links`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from community.actors import Actor
from community.html import html_to_text
from fediverse.web.csrf import csrf_token, keep_csrf, signed_in
from fediverse.web.links import actor_path, handle_path, post_path
from fediverse.web.state import context

TEMPLATES = Path(__file__).parent / "templates"


def when(moment: datetime | None) -> str:
    """A moment as people read it: ``2024-05-01 14:03 UTC``."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def excerpt(html: str | None, length: int = 200) -> str:
    """Plain text of sanitised HTML, cut to ``length`` characters (OpenGraph, feeds)."""
    text = " ".join(html_to_text(html or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def points(score: int) -> str:
    return f"{score} point" if score in (1, -1) else f"{score} points"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        actor_path=actor_path,
        post_path=post_path,
        when=when,
        iso=iso,
        excerpt=excerpt,
        points=points,
    )
    env.globals["handle_path"] = handle_path
    return env


templates = Jinja2Templates(env=_environment())


@dataclass(frozen=True)
class Visit:
    """One request to a page: who is signed in, and the CSRF token of its forms."""

    request: Request
    viewer: Actor | None
    csrf: str


async def visit(request: Request) -> Visit:
    return Visit(request, await signed_in(request), await csrf_token(request))


def render(seen: Visit, template: str, status: int = 200, **values: Any) -> Response:
    settings = context(seen.request).settings
    response = templates.TemplateResponse(
        seen.request,
        template,
        {"site": settings, "viewer": seen.viewer, "csrf": seen.csrf, **values},
        status_code=status,
    )
    return keep_csrf(seen.request, response)
