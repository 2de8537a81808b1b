"""Errors become responses in one table: a JSON body ``{"error": reason}``, never a traceback."""

from __future__ import annotations

import logging

import asyncpg
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ExceptionHandler

from community.errors import InvalidInput, NotFoundError
from community.oauth import OAuthError
from fediverse.api.errors import ApiError, api_error_handler, oauth_error_handler
from fediverse.web.negotiation import NotAcceptable

log = logging.getLogger(__name__)


def error_response(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": reason}, status_code=status, headers=headers)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, exc.detail, dict(exc.headers or {}))


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, str(exc))


async def _invalid(request: Request, exc: Exception) -> Response:
    return error_response(400, str(exc))


async def _unstorable_text(request: Request, exc: Exception) -> Response:
    # PostgreSQL stores no NUL character (and nothing outside the database encoding); text that
    # reaches a query with one is the client's error, not ours
    return error_response(400, "the request holds a character that cannot be stored (NUL)")


async def _not_acceptable(request: Request, exc: Exception) -> Response:
    return error_response(406, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal error; it has been logged")


EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ApiError: api_error_handler,
    OAuthError: oauth_error_handler,
    HTTPException: _http_exception,
    NotFoundError: _not_found,
    InvalidInput: _invalid,
    NotAcceptable: _not_acceptable,
    asyncpg.CharacterNotInRepertoireError: _unstorable_text,
    asyncpg.UntranslatableCharacterError: _unstorable_text,
    Exception: _unexpected,
}
