"""``/oauth/authorize``: the consent page of the authorization-code grant.

The app sends the person here; signed in (or after signing in), they see what the app asks
for and approve or deny. An approval gives a code (10 minutes, once), sent to the app's
registered redirect URI, or shown on the page for ``urn:ietf:wg:oauth:2.0:oob``. A request
that names an unknown app or a redirect URI it did not register is refused here, on the
page: we never redirect to an address the app did not register.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from community import oauth
from community.actors import Actor
from fediverse.web.auth import page
from fediverse.web.csrf import CsrfRefused, check_csrf, signed_in
from fediverse.web.state import context

FORWARDED = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


async def _validated(
    request: Request, params: QueryParams | FormData
) -> tuple[oauth.App, list[str]] | Response:
    """The app and granted scopes, or the error page to show instead."""
    if params.get("response_type") != "code":
        return await _refusal(
            request, "The authorization server does not support this response type."
        )
    async with context(request).pool.acquire() as conn:
        app = await oauth.find_app(conn, str(params.get("client_id") or ""))
    if app is None:
        return await _refusal(request, "Client authentication failed due to unknown client.")
    try:
        scopes = oauth.check_authorization_request(
            app,
            str(params.get("redirect_uri") or ""),
            _text(params, "scope"),
            _text(params, "code_challenge"),
            _text(params, "code_challenge_method"),
        )
    except oauth.OAuthError as exc:
        return await _refusal(request, str(exc))
    return app, scopes


def _text(params: QueryParams | FormData, name: str) -> str | None:
    value = params.get(name)
    return str(value) if value else None


async def _refusal(request: Request, reason: str) -> Response:
    return await page(
        request, "message.html", 400, title="This app cannot sign in here", message=reason
    )


async def authorize_form(request: Request) -> Response:
    params = request.query_params
    checked = await _validated(request, params)
    if isinstance(checked, Response):
        return checked
    app, scopes = checked
    person = await signed_in(request)
    if person is None or params.get("force_login", "").lower() in ("true", "1"):
        kept = [(k, v) for k, v in params.multi_items() if k != "force_login"]
        next_url = "/oauth/authorize?" + urlencode(kept)
        return RedirectResponse("/auth/sign_in?" + urlencode({"next": next_url}), 303)
    forwarded = [(k, params[k]) for k in FORWARDED if params.get(k)]
    return await page(
        request, "authorize.html", app=app, scopes=scopes, person=person, request_params=forwarded
    )


async def authorize(request: Request) -> Response:
    form = await request.form()
    try:
        await check_csrf(request, str(form.get("csrf", "")))
    except CsrfRefused as exc:
        return await _refusal(request, str(exc))
    person = await signed_in(request)
    if person is None:
        return RedirectResponse("/auth/sign_in", 303)
    checked = await _validated(request, form)
    if isinstance(checked, Response):
        return checked
    app, scopes = checked
    if form.get("decision") != "approve":
        return _answer(
            form,
            {
                "error": "access_denied",
                "error_description": "The resource owner denied the request.",
            },
        )
    return await _grant(request, form, app, scopes, person)


async def _grant(
    request: Request, form: FormData, app: oauth.App, scopes: list[str], person: Actor
) -> Response:
    redirect_uri = str(form.get("redirect_uri"))
    async with context(request).pool.acquire() as conn:
        code = await oauth.issue_code(
            conn, app, person.id, redirect_uri, scopes, _text(form, "code_challenge")
        )
    if redirect_uri == oauth.OOB_REDIRECT_URI:
        return await page(
            request,
            "message.html",
            title="Authorization code",
            code=code,
            message=f"{app.name} may now act for you.",
        )
    return _answer(form, {"code": code})


def _answer(form: FormData, values: dict[str, str]) -> Response:
    redirect_uri = str(form.get("redirect_uri"))
    if form.get("state"):
        values["state"] = str(form.get("state"))
    if redirect_uri == oauth.OOB_REDIRECT_URI:
        return RedirectResponse("/", 303)
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(redirect_uri + separator + urlencode(values), 303)


routes = [
    Route("/oauth/authorize", authorize_form, methods=["GET"]),
    Route("/oauth/authorize", authorize, methods=["POST"]),
]
