"""What every page that acts shares: a signed-in member, and a form that passed its CSRF check.

A POST body is read within :data:`MAX_FORM_BYTES` before it is parsed; a form without the
browser's CSRF token is refused (:class:`~fediverse.web.csrf.CsrfRefused`, a 403 page); a
page for members sends everyone else to sign in and back (:class:`SignInRequired`).
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from fediverse.web.bodies import BodyTooLarge, read_body
from fediverse.web.csrf import check_csrf
from fediverse.web.templating import Visit, visit

#: the largest form we read: a post of 5,000 characters and its title, well within
MAX_FORM_BYTES = 64 * 1024


class SignInRequired(Exception):
    """The page is for members: sign in first, then come back to ``next_path``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


async def member_visit(request: Request) -> Visit:
    """The visit of a signed-in person; anyone else is sent to sign in."""
    seen = await visit(request)
    if seen.viewer is None:
        back = request.url.path if request.method == "GET" else request.headers.get("referer")
        raise SignInRequired(_local_path(back) or request.url.path)
    return seen


def _local_path(value: str | None) -> str | None:
    """The path of a link back to this server (a Referer), or None."""
    if not value:
        return None
    path = "/" + value.split("://", 1)[-1].split("/", 1)[-1] if "://" in value else value
    return path if path.startswith("/") and not path.startswith("//") else None


async def posted_form(request: Request) -> FormData:
    """The POSTed form, once its CSRF token matches the browser's."""
    try:
        await read_body(request, MAX_FORM_BYTES)
    except BodyTooLarge as exc:
        raise HTTPException(413, str(exc)) from None
    form = await request.form()
    await check_csrf(request, str(form.get("csrf", "")))
    return form


def text_field(form: FormData, name: str, limit: int = 10_000) -> str:
    """A text field of ``form`` ("" when absent), at most ``limit`` characters."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""
