"""Response classes for our media types, rendered with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from fediverse.web.negotiation import AS2_MEDIA_TYPE


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ActivityResponse(JSONResponse):
    media_type = AS2_MEDIA_TYPE


class JRDResponse(JSONResponse):
    media_type = "application/jrd+json"
