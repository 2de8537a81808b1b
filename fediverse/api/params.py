"""Reading client API parameters: query string, form or JSON body, ``name[]`` arrays, and
Mastodon pagination with its ``Link`` header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from community.statuses import Page
from fediverse.api.errors import ApiError
from fediverse.web.bodies import BodyTooLarge, InvalidJSON, parse_json_object, read_body
from fediverse.web.state import context

MAX_API_BODY = 256 * 1024


class Params:
    """Parameters of one request, whatever way the app sent them."""

    def __init__(self, values: dict[str, list[Any]]) -> None:
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        found = self._values.get(name) or self._values.get(name + "[]")
        return found[0] if found else default

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.get(name, default)
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ApiError(400, f"{name} must be a string")
        return value if value is None else str(value)

    def list(self, name: str) -> list[str]:
        found = (self._values.get(name + "[]") or []) + (self._values.get(name) or [])
        items: list[str] = []
        for value in found:
            items += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return items

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() not in ("false", "0", "off", "no", "f")

    def integer(self, name: str) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return None
        try:
            return int(str(value))
        except ValueError:
            raise ApiError(400, f"{name} must be an integer") from None

    def __contains__(self, name: str) -> bool:
        return name in self._values or name + "[]" in self._values


async def read_params(request: Request) -> Params:
    values: dict[str, list[Any]] = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(key, []).append(value)
    if request.method in ("GET", "HEAD", "DELETE") and not request.headers.get("content-length"):
        return Params(values)
    body = await _read_body(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body:
        return Params(values)
    if media_type == "application/json":
        try:
            data = parse_json_object(body)
        except InvalidJSON as exc:
            raise ApiError(400, str(exc)) from None
        for key, value in data.items():
            values[key] = [value]
    else:
        form = await request.form()
        for key, item in form.multi_items():
            values.setdefault(key, []).append(item if isinstance(item, str) else "")
    return Params(values)


async def _read_body(request: Request) -> bytes:
    try:
        return await read_body(request, MAX_API_BODY)
    except BodyTooLarge:
        raise ApiError(413, "the request body is too large") from None


def read_page(params: Params, *, default_limit: int = 20, max_limit: int = 40) -> Page:
    """Mastodon's ``limit`` (default 20, at most twice that) and id bounds."""
    limit = params.integer("limit") or default_limit
    return Page(
        max_id=params.integer("max_id"),
        since_id=params.integer("since_id"),
        min_id=params.integer("min_id"),
        limit=max(1, min(abs(limit), max_limit)),
    )


def link_header(request: Request, ids: Sequence[int]) -> dict[str, str]:
    """``Link: <…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev"`` for a page."""
    if not ids:
        return {}
    base = context(request).urls.base_url + request.url.path
    kept = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("max_id", "min_id", "since_id")
    ]
    extra = "&" + urlencode(kept) if kept else ""
    next_url = f"{base}?max_id={min(ids)}{extra}"
    prev_url = f"{base}?min_id={max(ids)}{extra}"
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}
