"""Reading request bodies safely: a byte limit enforced while streaming, JSON objects only.

One place for the inbox, the client API and client-to-server posting, so that none of them
reads an unbounded body into memory or accepts JSON nested without limit.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from community.errors import FediverseError, InvalidInput
from federation.fetch import json_depth

MAX_JSON_DEPTH = 64


class BodyTooLarge(FediverseError):
    """The body is over the limit (answer 413)."""


class InvalidJSON(InvalidInput):
    """The body is not a JSON object we accept (answer 400); ``str()`` says why."""


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing it as soon as it is known to pass ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    # Starlette serves a read body again from ``_body`` (what ``Request.body()`` caches), so
    # that ``request.form()`` still works after us.
    request._body = body
    return body


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A JSON object of sane depth; :class:`InvalidJSON` otherwise."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidJSON("the body is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidJSON("the body is not a JSON object")
    if json_depth(value) > MAX_JSON_DEPTH:
        raise InvalidJSON(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    return value
