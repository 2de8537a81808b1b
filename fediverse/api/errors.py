"""Mastodon's error format: ``{"error": "…"}`` with its statuses (``app/controllers/concerns/
api/error_handling.rb`` and ``app/controllers/api/base_controller.rb`` of mastodon/mastodon)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from community.oauth import OAuthError
from fediverse.web.responses import JSONResponse

INVALID_TOKEN = "The access token is invalid"  # noqa: S105 – a message, not a secret
OUTSIDE_SCOPES = "This action is outside the authorized scopes"
NOT_FOUND = "Record not found"
NEEDS_USER = "This method requires an authenticated user"
NOT_ALLOWED = "This action is not allowed"
REMOTE_FETCH = "Remote data could not be fetched"


class ApiError(Exception):
    """An answer of the client API other than success: status and Mastodon's message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND)


def invalid(reason: str) -> ApiError:
    """422 ``Validation failed: …`` (ActiveRecord::RecordInvalid's wording)."""
    return ApiError(422, f"Validation failed: {reason}")


async def api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = dict(exc.headers)
    if exc.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="Doorkeeper", error="invalid_token"')
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)


async def oauth_error_handler(request: Request, exc: Exception) -> Response:
    """RFC 6749 §5.2 errors (``error`` and ``error_description``), as Doorkeeper sends them."""
    assert isinstance(exc, OAuthError)
    if exc.status == 422:  # app registration: Mastodon's validation wording
        return JSONResponse({"error": f"Validation failed: {exc}"}, status_code=422)
    body = {"error": exc.error, "error_description": str(exc)}
    return JSONResponse(body, status_code=exc.status)
