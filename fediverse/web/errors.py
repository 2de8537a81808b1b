"""Errors become responses in one table, never a traceback: a JSON body ``{"error": reason}``
for machines, and for people (a browser asking for HTML, outside the APIs) a page that says
what happened in a sentence.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import asyncpg
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ExceptionHandler

from community.errors import InvalidInput, NotFoundError
from community.oauth import OAuthError
from fediverse.api.errors import ApiError, api_error_handler, oauth_error_handler
from fediverse.web.csrf import CsrfRefused
from fediverse.web.forms import SignInRequired
from fediverse.web.negotiation import NotAcceptable
from fediverse.web.state import context
from fediverse.web.templating import templates
from outbox.errors import ActRefused

log = logging.getLogger(__name__)

#: paths where programs, not people, read our errors (JSON whatever they accept)
MACHINE_PATHS = ("/api/", "/oauth/token", "/oauth/revoke", "/.well-known/", "/nodeinfo", "/inbox")

TITLES = {
    400: "That did not work",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Not here",
    406: "Not available in that form",
    409: "Too late",
    413: "Too large",
    422: "That did not work",
    429: "Too many requests",
    500: "Something went wrong",
}
SENTENCES = {
    404: "There is nothing at this address: it may have been deleted, or the link is mistyped.",
    405: "This address does not take that kind of request.",
    500: "Something went wrong on our side. It has been logged; please try again later.",
}


def error_response(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": reason}, status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """A person's browser (it asks for HTML), on a page rather than an API."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(MACHINE_PATHS)


def error_page(request: Request, status: int, reason: str) -> Response:
    sentence = SENTENCES.get(status) if status in (404, 405, 500) else None
    if sentence is None:
        sentence = reason[:1].upper() + reason[1:] if reason else TITLES.get(status, "")
        sentence = sentence if sentence.endswith((".", "!", "?")) else sentence + "."
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "site": context(request).settings,
            "viewer": None,
            "title": TITLES.get(status, "That did not work"),
            "sentence": sentence,
            "status": status,
        },
        status_code=status,
    )


def answer_error(
    request: Request, status: int, reason: str, headers: dict[str, str] | None = None
) -> Response:
    if wants_html(request):
        response = error_page(request, status, reason)
        response.headers.update(headers or {})
        return response
    return error_response(status, reason, headers)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return answer_error(request, exc.status_code, exc.detail, dict(exc.headers or {}))


async def _not_found(request: Request, exc: Exception) -> Response:
    return answer_error(request, 404, str(exc))


async def _invalid(request: Request, exc: Exception) -> Response:
    return answer_error(request, 400, str(exc))


async def _unstorable_text(request: Request, exc: Exception) -> Response:
    # PostgreSQL stores no NUL character (and nothing outside the database encoding); text that
    # reaches a query with one is the client's error, not ours
    return error_response(400, "the request holds a character that cannot be stored (NUL)")


async def _not_acceptable(request: Request, exc: Exception) -> Response:
    return error_response(406, str(exc))


#: a moderation act refused (:class:`outbox.errors.ActRefused`), by its reason
REFUSAL_STATUS = {"not_moderator": 403, "not_found": 404, "invalid": 422, "closed": 409}


async def _act_refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActRefused)
    return answer_error(request, REFUSAL_STATUS[exc.reason], str(exc))


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return answer_error(request, 403, str(exc))


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    target = "/auth/sign_in?next=" + quote(exc.next_path, safe="/@:")
    return RedirectResponse(target, status_code=303)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return answer_error(request, 500, "internal error; it has been logged")


EXCEPTION_HANDLERS: dict[int | type[Exception], ExceptionHandler] = {
    ApiError: api_error_handler,
    OAuthError: oauth_error_handler,
    HTTPException: _http_exception,
    NotFoundError: _not_found,
    InvalidInput: _invalid,
    NotAcceptable: _not_acceptable,
    asyncpg.CharacterNotInRepertoireError: _unstorable_text,
    asyncpg.UntranslatableCharacterError: _unstorable_text,
    ActRefused: _act_refused,
    CsrfRefused: _csrf_refused,
    SignInRequired: _sign_in_required,
    Exception: _unexpected,
}
