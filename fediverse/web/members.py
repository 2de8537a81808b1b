"""A member's own pages: notifications, and account settings (display name, bio, password)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community import accounts
from community.errors import InvalidInput
from community.html import html_to_text, text_to_html
from community.notifications import clear
from community.pages import notifications_page
from community.sessions import start_session
from fediverse.web import acting
from fediverse.web.auth import over_limit
from fediverse.web.csrf import set_session_cookie
from fediverse.web.forms import member_visit, posted_form, text_field
from fediverse.web.people import PAGE_SIZE, before_param
from fediverse.web.state import context
from fediverse.web.templating import Visit, render

MAX_DISPLAY_NAME = 30
MAX_BIO = 500


async def notifications(request: Request) -> Response:
    before = before_param(request)
    seen = await member_visit(request)
    assert seen.viewer is not None
    async with context(request).pool.acquire() as conn:
        found = await notifications_page(conn, seen.viewer, before, PAGE_SIZE + 1)
    return render(
        seen,
        "notifications.html",
        notifications=found[:PAGE_SIZE],
        older=found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None,
    )


async def clear_notifications(request: Request) -> Response:
    seen = await member_visit(request)
    await posted_form(request)
    assert seen.viewer is not None
    async with context(request).pool.acquire() as conn:
        await clear(conn, seen.viewer.id)
    return RedirectResponse("/notifications", status_code=303)


def _settings(seen: Visit, status: int = 200, **values: str) -> Response:
    assert seen.viewer is not None
    return render(
        seen,
        "settings.html",
        status,
        display_name=values.get("display_name", seen.viewer.name),
        bio=values.get("bio", html_to_text(seen.viewer.summary)),
        domain=context(seen.request).urls.domain,
        max_display_name=MAX_DISPLAY_NAME,
        max_bio=MAX_BIO,
        **{k: v for k, v in values.items() if k not in ("display_name", "bio")},
    )


async def settings_page(request: Request) -> Response:
    return _settings(await member_visit(request), saved=request.query_params.get("saved", ""))


async def save_profile(request: Request) -> Response:
    seen = await member_visit(request)
    form = await posted_form(request)
    name, bio = text_field(form, "display_name", 1000), text_field(form, "bio", 5000)
    if len(name) > MAX_DISPLAY_NAME or len(bio) > MAX_BIO:
        error = f"A display name may have {MAX_DISPLAY_NAME} characters, a bio {MAX_BIO}."
        return _settings(seen, 422, display_name=name, bio=bio, profile_error=error)
    ctx = context(request)
    assert seen.viewer is not None
    async with ctx.pool.acquire() as conn:
        await acting.change_profile(conn, ctx.urls, seen.viewer, name.strip(), text_to_html(bio))
    return RedirectResponse("/settings?saved=profile", status_code=303)


async def change_password(request: Request) -> Response:
    """A new password: every other browser and app is signed out, this one stays signed in."""
    seen = await member_visit(request)
    form = await posted_form(request)
    current, new = text_field(form, "current_password"), text_field(form, "new_password")
    if new != text_field(form, "new_password_confirmation"):
        return _settings(seen, 422, change_error="The new passwords differ.")
    assert seen.viewer is not None
    limit = context(request).settings.sign_in_limit
    wait = await over_limit(request, "sign_in", limit, "name:" + seen.viewer.username.lower())
    if wait is not None:
        error = f"Too many attempts; try again in {wait} seconds."
        return _settings(seen, 429, change_error=error)
    async with context(request).pool.acquire() as conn:
        try:
            await accounts.authenticate(conn, seen.viewer.username, current)
            await accounts.set_password(conn, seen.viewer.username, new)
        except accounts.SignInRefused:
            return _settings(seen, 403, change_error="The current password is wrong.")
        except InvalidInput as exc:
            return _settings(seen, 422, change_error=str(exc).capitalize() + ".")
        token = await start_session(conn, seen.viewer)
    response = RedirectResponse("/settings?saved=password", status_code=303)
    set_session_cookie(request, response, token)
    return response


routes = [
    Route("/notifications", notifications, methods=["GET"]),
    Route("/notifications/clear", clear_notifications, methods=["POST"]),
    Route("/settings", settings_page, methods=["GET"]),
    # the account page of round 1 is the settings page now
    Route("/auth/account", settings_page, methods=["GET"]),
    Route("/settings/profile", save_profile, methods=["POST"]),
    Route("/settings/password", change_password, methods=["POST"]),
]
