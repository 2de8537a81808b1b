"""``POST /api/v1/apps`` and ``GET /api/v1/apps/verify_credentials`` (docs.joinmastodon.org/
methods/apps; the Application entity of ``app/serializers/rest/credential_application_
serializer.rb`` in mastodon/mastodon)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import oauth
from fediverse.api.auth import bearer_of
from fediverse.api.common import answer
from fediverse.api.entities import JSON
from fediverse.api.errors import INVALID_TOKEN, ApiError
from fediverse.api.params import read_params
from fediverse.web.state import context


def render_app(app: oauth.App, client_secret: str | None = None) -> JSON:
    rendered: JSON = {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes,
        "redirect_uri": "\n".join(app.redirect_uris),
        "redirect_uris": app.redirect_uris,
        "vapid_key": "",
    }
    if client_secret is not None:
        rendered.update(
            client_id=app.client_id, client_secret=client_secret, client_secret_expires_at=0
        )
    return rendered


async def create_app(request: Request) -> Response:
    params = await read_params(request)
    redirect = params.list("redirect_uris")
    uris = [u.strip() for value in redirect for u in value.split("\n") if u.strip()]
    scopes = oauth.parse_scopes(" ".join(params.list("scopes")))
    async with context(request).pool.acquire() as conn:
        app, secret = await oauth.create_app(
            conn, params.text("client_name") or "", uris, scopes, params.text("website")
        )
    return answer(render_app(app, secret))


async def verify_app(request: Request) -> Response:
    """Any live token of the app (a person's or the app's own) may ask."""
    raw = bearer_of(request)
    async with context(request).pool.acquire() as conn:
        token = await oauth.find_token(conn, raw) if raw else None
        app = await oauth.get_app(conn, token.app_id) if token else None
    if app is None:
        raise ApiError(401, INVALID_TOKEN)
    return answer(render_app(app))


routes = [
    Route("/api/v1/apps", create_app, methods=["POST"]),
    Route("/api/v1/apps/verify_credentials", verify_app, methods=["GET"]),
]
