"""Sign-in, sign-up and sign-out pages (server-rendered, CSRF-protected forms).

Attempts are rate-limited per client address (and sign-in per name too) with counters in
PostgreSQL, so every process of the server shares them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community import accounts, ratelimit
from community.actors import find_actor_by_id
from community.errors import InvalidInput, NameTaken
from community.names import InvalidName
from community.sessions import end_session, start_session
from fediverse.web.csrf import (
    SESSION_COOKIE,
    CsrfRefused,
    check_csrf,
    csrf_token,
    keep_csrf,
    set_session_cookie,
    signed_in,
)
from fediverse.web.pages import templates
from fediverse.web.state import context


def safe_next(value: str | None) -> str:
    """Only a path on this server: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def page(request: Request, name: str, status: int = 200, **values: Any) -> Response:
    token = await csrf_token(request)
    ctx = context(request)
    response = templates.TemplateResponse(
        request, name, {"site": ctx.settings, "csrf": token, **values}, status_code=status
    )
    return keep_csrf(request, response)


async def over_limit(request: Request, kind: str, limit: int, *keys: str) -> int | None:
    """Seconds to wait when any of ``keys`` has used up its attempts; else None."""
    settings = context(request).settings
    async with context(request).pool.acquire() as conn:
        for key in keys:
            verdict = await ratelimit.hit(conn, f"{kind}:{key}", limit,
                                          settings.rate_limit_window_seconds)  # fmt: skip
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
    limit = context(request).settings.sign_in_limit
    wait = await over_limit(request, "sign_in", limit, "ip:" + client_address(request),
                            "name:" + username.strip().lower()[:64])  # fmt: skip
    if wait is not None:
        return await page(request, "sign_in.html", 429, next=next_url, username=username,
                          error=f"Too many attempts; try again in {wait} seconds.")  # fmt: skip
    async with context(request).pool.acquire() as conn:
        try:
            actor_id = await accounts.authenticate(conn, username, password)
        except accounts.SignInRefused as exc:
            return await page(request, "sign_in.html", 401, error=str(exc).capitalize() + ".",
                              next=next_url, username=username)  # fmt: skip
        actor = await find_actor_by_id(conn, actor_id)
        assert actor is not None
        token = await start_session(conn, actor)
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(request, response, token)
    return response


async def sign_up_form(request: Request) -> Response:
    mode = context(request).settings.registration_mode
    return await page(request, "sign_up.html", 403 if mode == "closed" else 200, mode=mode)


async def sign_up(request: Request) -> Response:
    ctx = context(request)
    mode = ctx.settings.registration_mode
    form = await request.form()
    values = {"mode": mode, "username": str(form.get("username", "")),
              "reason": str(form.get("reason", ""))}  # fmt: skip
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return await page(request, "sign_up.html", 403, error=str(exc), **values)
    if mode == "closed":
        return await page(request, "sign_up.html", 403, **values)
    password = str(form.get("password", ""))
    if password != str(form.get("password_confirmation", "")):
        return await page(request, "sign_up.html", 422, error="The passwords differ.", **values)
    wait = await over_limit(request, "sign_up", ctx.settings.sign_up_limit,
                            "ip:" + client_address(request))  # fmt: skip
    if wait is not None:
        return await page(request, "sign_up.html", 429, **values,
                          error=f"Too many sign-ups; try again in {wait} seconds.")  # fmt: skip
    async with ctx.pool.acquire() as conn:
        try:
            actor = await accounts.sign_up(conn, ctx.urls, mode, values["username"], password,
                                           values["reason"])  # fmt: skip
        except (InvalidInput, InvalidName, NameTaken, accounts.SignUpRefused) as exc:
            return await page(request, "sign_up.html", 422, error=str(exc), **values)
        if mode == "approval":
            return await page(
                request,
                "message.html",
                title="Thank you",
                message="An administrator will look at your request soon.",
            )
        token = await start_session(conn, actor)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, token)
    return response


async def sign_out(request: Request) -> Response:
    form = await request.form()
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return await page(request, "message.html", 403, title="Not signed out",
                          message=str(exc))  # fmt: skip
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with context(request).pool.acquire() as conn:
            await end_session(conn, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def account_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return RedirectResponse("/auth/sign_in?next=/auth/account", status_code=303)
    return await page(request, "account.html", person=person, domain=context(request).urls.domain)


routes = [
    Route("/auth/sign_in", sign_in_form, methods=["GET"]),
    Route("/auth/sign_in", sign_in, methods=["POST"]),
    Route("/auth/sign_up", sign_up_form, methods=["GET"]),
    Route("/auth/sign_up", sign_up, methods=["POST"]),
    Route("/auth/sign_out", sign_out, methods=["POST"]),
    Route("/auth/account", account_page, methods=["GET"]),
]
