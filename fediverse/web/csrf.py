"""CSRF protection of our HTML forms, and who is signed in.

Each browser gets a random CSRF token in a cookie signed with this server's secret
(itsdangerous); every form carries the token, and every POST must bring both, equal
(compared in constant time). The sign-in session is a separate random token (see
:mod:`community.sessions`).
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature
from starlette.requests import Request
from starlette.responses import Response

from community.actors import Actor
from community.sessions import SESSION_LIFETIME_SECONDS, session_actor
from fediverse.web.state import context, web_state

CSRF_COOKIE = "fediverse_csrf"
SESSION_COOKIE = "fediverse_session"


class CsrfRefused(Exception):
    """A form POST without a valid CSRF token."""


async def csrf_token(request: Request) -> str:
    """This browser's token (a new one if it has none yet; :func:`keep_csrf` stores it)."""
    serializer = web_state(request).csrf
    try:
        token = serializer.loads(request.cookies.get(CSRF_COOKIE, ""))
    except BadSignature:
        token = None
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def keep_csrf(request: Request, response: Response) -> Response:
    token = getattr(request.state, "csrf_token", None)
    if token is not None:
        signed = web_state(request).csrf.dumps(token)
        _set_cookie(request, response, CSRF_COOKIE, signed, max_age=None)
    return response


async def check_csrf(request: Request, submitted: str | None) -> None:
    serializer = web_state(request).csrf
    try:
        expected = serializer.loads(request.cookies.get(CSRF_COOKIE, ""))
    except BadSignature:
        raise CsrfRefused("the form has expired; reload the page and try again") from None
    if not isinstance(expected, str) or not hmac.compare_digest(expected, submitted or ""):
        raise CsrfRefused("the form has expired; reload the page and try again")


async def signed_in(request: Request) -> Actor | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with context(request).pool.acquire() as conn:
        return await session_actor(conn, token)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    _set_cookie(request, response, SESSION_COOKIE, token, max_age=SESSION_LIFETIME_SECONDS)


def _set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None
) -> None:
    secure = context(request).settings.scheme == "https"
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
    )
