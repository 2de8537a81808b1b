"""The token side of OAuth 2: ``POST /oauth/token`` (authorization code with PKCE, client
credentials), ``POST /oauth/revoke`` (RFC 7009) and the RFC 8414 metadata Mastodon 4.3+
serves at ``/.well-known/oauth-authorization-server``. The consent page is in
:mod:`fediverse.web.authorize`."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import oauth
from community.oauth import OAuthError
from fediverse.api.common import answer
from fediverse.api.params import Params, read_params
from fediverse.web.state import context

GRANT_TYPES = ["authorization_code", "client_credentials"]


def client_credentials(request: Request, params: Params) -> tuple[str, str]:
    """From HTTP Basic (``client_secret_basic``) or the body (``client_secret_post``)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return params.text("client_id") or "", params.text("client_secret") or ""


def token_body(raw: str, token: oauth.Token) -> dict[str, object]:
    return {
        "access_token": raw,
        "token_type": "Bearer",
        "scope": " ".join(token.scopes),
        "created_at": int(token.created_at.timestamp()),
    }


async def token(request: Request) -> Response:
    params = await read_params(request)
    grant_type = params.text("grant_type") or ""
    if grant_type not in GRANT_TYPES:
        raise OAuthError(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    client_id, secret = client_credentials(request, params)
    async with context(request).pool.acquire() as conn:
        app = await oauth.authenticate_client(conn, client_id, secret)
        if grant_type == "client_credentials":
            scopes = oauth.parse_scopes(params.text("scope"))
            if not set(scopes) <= set(app.scopes):
                raise OAuthError(
                    "invalid_scope", "The requested scope is invalid, unknown, or malformed."
                )
            raw, issued = await oauth.issue_token(conn, app, None, scopes)
        else:
            code = params.text("code")
            if not code:
                raise OAuthError("invalid_request", "Missing required parameter: code.")
            raw, issued = await oauth.redeem_code(
                conn, app, code, params.text("redirect_uri") or "", params.text("code_verifier")
            )
    return answer(token_body(raw, issued))


async def revoke(request: Request) -> Response:
    params = await read_params(request)
    client_id, secret = client_credentials(request, params)
    async with context(request).pool.acquire() as conn:
        app = await oauth.authenticate_client(conn, client_id, secret)
        await oauth.revoke(conn, app, params.text("token") or "")
    return answer({})


async def metadata(request: Request) -> Response:
    base = context(request).urls.base_url
    return answer(
        {
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": base + "/oauth/authorize",
            "token_endpoint": base + "/oauth/token",
            "app_registration_endpoint": base + "/api/v1/apps",
            "revocation_endpoint": base + "/oauth/revoke",
            "scopes_supported": sorted(oauth.VALID_SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": GRANT_TYPES,
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


routes = [
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/revoke", revoke, methods=["POST"]),
    Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
]
