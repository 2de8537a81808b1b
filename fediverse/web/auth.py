"""Sign-in, sign-up and sign-out pages (server-rendered, CSRF-protected forms).

Attempts are rate-limited per client address (and sign-in per name too) with counters in
PostgreSQL, so every process of the server shares them.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community import accounts, ratelimit
from community.actors import find_actor_by_id
from community.errors import InvalidInput, NameTaken
from community.names import InvalidName
from community.sessions import end_session, start_session
from fediverse.web.csrf import SESSION_COOKIE, CsrfRefused, check_csrf, set_session_cookie
from fediverse.web.state import context
from fediverse.web.templating import render, visit


def safe_next(value: str | None) -> str:
    """Only a path on this server: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def page(request: Request, name: str, status: int = 200, **values: Any) -> Response:
    return render(await visit(request), name, status, **values)


async def over_limit(request: Request, kind: str, limit: int, *keys: str) -> int | None:
    """Seconds to wait when any of ``keys`` has used up its attempts; else None."""
    settings = context(request).settings
    async with context(request).pool.acquire() as conn:
        for key in keys:
            verdict = await ratelimit.hit(
                conn, f"{kind}:{key}", limit, settings.rate_limit_window_seconds
            )
            if not verdict.allowed:
                return verdict.retry_after
    return None


async def sign_in_form(request: Request) -> Response:
    return await page(request, "sign_in.html", next=safe_next(request.query_params.get("next")))


async def sign_in(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")))
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return await page(request, "sign_in.html", 403, error=str(exc), next=next_url)
    again = functools.partial(page, request, "sign_in.html", next=next_url, username=username)
    limit = context(request).settings.sign_in_limit
    by_name = "name:" + username.strip().lower()[:64]
    wait = await over_limit(request, "sign_in", limit, "ip:" + client_address(request), by_name)
    if wait is not None:
        return await again(429, error=f"Too many attempts; try again in {wait} seconds.")
    async with context(request).pool.acquire() as conn:
        try:
            actor_id = await accounts.authenticate(conn, username, password)
        except accounts.SignInRefused as exc:
            return await again(401, error=str(exc).capitalize() + ".")
        actor = await find_actor_by_id(conn, actor_id)
        assert actor is not None
        token = await start_session(conn, actor)
    return _signed_in(request, next_url, token)


def _signed_in(request: Request, next_url: str, token: str) -> Response:
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def sign_up_form(request: Request) -> Response:
    mode = context(request).settings.registration_mode
    return await page(request, "sign_up.html", 403 if mode == "closed" else 200, mode=mode)


async def _sign_up_refusal(request: Request, form: FormData, mode: str) -> tuple[int, str] | None:
    """(status, error) of the form shown again instead of a sign-up, or None to go on."""
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return 403, str(exc)
    if mode == "closed":
        return 403, ""
    if str(form.get("password", "")) != str(form.get("password_confirmation", "")):
        return 422, "The passwords differ."
    limit = context(request).settings.sign_up_limit
    wait = await over_limit(request, "sign_up", limit, "ip:" + client_address(request))
    if wait is not None:
        return 429, f"Too many sign-ups; try again in {wait} seconds."
    return None


async def sign_up(request: Request) -> Response:
    ctx = context(request)
    mode = ctx.settings.registration_mode
    form = await request.form()
    username, reason = str(form.get("username", "")), str(form.get("reason", ""))
    again = functools.partial(
        page, request, "sign_up.html", mode=mode, username=username, reason=reason
    )
    refusal = await _sign_up_refusal(request, form, mode)
    if refusal is not None:
        status, error = refusal
        return await again(status, error=error)
    async with ctx.pool.acquire() as conn:
        try:
            password = str(form.get("password", ""))
            actor = await accounts.sign_up(conn, ctx.urls, mode, username, password, reason)
        except (InvalidInput, InvalidName, NameTaken, accounts.SignUpRefused) as exc:
            return await again(422, error=str(exc))
        if mode == "approval":
            message = "An administrator will look at your request soon."
            return await page(request, "message.html", title="Thank you", message=message)
        token = await start_session(conn, actor)
    return _signed_in(request, "/", token)


async def sign_out(request: Request) -> Response:
    form = await request.form()
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return await page(request, "message.html", 403, title="Not signed out", message=str(exc))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with context(request).pool.acquire() as conn:
            await end_session(conn, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


routes = [
    Route("/auth/sign_in", sign_in_form, methods=["GET"]),
    Route("/auth/sign_in", sign_in, methods=["POST"]),
    Route("/auth/sign_up", sign_up_form, methods=["GET"]),
    Route("/auth/sign_up", sign_up, methods=["POST"]),
    Route("/auth/sign_out", sign_out, methods=["POST"]),
]
