"""``/api/v1/media``, ``/api/v2/media``: upload a picture, read and describe it before a status
carries it (docs.joinmastodon.org/methods/media).

The upload is a ``multipart/form-data`` body (``file``, ``description``, ``focus``) read with a
byte limit (``FEDIVERSE_MEDIA_MAX_BYTES``); :mod:`community.media` checks, cleans and keeps
it, synchronously, so both versions answer 200 with the URLs set. Like Mastodon, only the
uploader's attachments that no status carries yet can be read and changed here.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.errors import InvalidInput
from community.imaging import ImageRefused, Limits
from community.media import Media, describe, find_own_media, parse_focus, upload
from community.mediastore import MediaStoreError
from community.settings import Settings
from fediverse.api.attachments import render_media
from fediverse.api.auth import Caller, require
from fediverse.api.common import answer, path_id
from fediverse.api.errors import ApiError, invalid, not_found
from fediverse.api.params import read_params
from fediverse.web.bodies import BodyTooLarge, read_body
from fediverse.web.state import context

# room for the form's other fields and the multipart framing around the file
FORM_OVERHEAD = 64 * 1024
STORE_UNAVAILABLE = "The media store is unavailable; try again later"


def limits_of(settings: Settings) -> Limits:
    return Limits(settings.media_max_bytes, settings.media_max_pixels)


def refused(exc: ImageRefused) -> ApiError:
    """413 for a file over the limit, 422 for the rest, with the reason."""
    if exc.reason == "too_large":
        return ApiError(413, f"Validation failed: {exc}")
    return invalid(str(exc))


async def _read_upload(request: Request, max_bytes: int) -> tuple[bytes, str, str | None]:
    """(the file's bytes, its description, its focus) from the multipart form."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise invalid("the upload must be multipart/form-data with a file")
    try:
        await read_body(request, max_bytes + FORM_OVERHEAD)
    except BodyTooLarge:
        raise ApiError(
            413, f"Validation failed: the file is larger than {max_bytes} bytes"
        ) from None
    async with request.form(max_files=2, max_fields=10, max_part_size=FORM_OVERHEAD) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise invalid("File can't be blank")
        data = await file.read()
        description = form.get("description")
        focus = form.get("focus")
    return (
        data,
        description if isinstance(description, str) else "",
        focus if isinstance(focus, str) else None,
    )


async def create(request: Request) -> Response:
    caller = await require(request, "write:media")
    ctx = context(request)
    data, description, focus_text = await _read_upload(request, ctx.settings.media_max_bytes)
    try:
        focus = parse_focus(focus_text)
        async with ctx.pool.acquire() as conn:
            media = await upload(
                conn,
                ctx.media,
                caller.person,
                data,
                limits_of(ctx.settings),
                description=description,
                focus=focus,
            )
    except ImageRefused as exc:
        raise refused(exc) from None
    except InvalidInput as exc:
        raise invalid(str(exc)) from None
    except MediaStoreError:
        raise ApiError(503, STORE_UNAVAILABLE) from None
    return answer(render_media(media))


async def _unattached(request: Request, caller: Caller) -> Media:
    async with context(request).pool.acquire() as conn:
        media = await find_own_media(conn, caller.person, path_id(request))
    if media is None or media.post_id is not None:
        raise not_found()
    return media


async def show(request: Request) -> Response:
    caller = await require(request, "write:media")
    return answer(render_media(await _unattached(request, caller)))


async def update(request: Request) -> Response:
    caller = await require(request, "write:media")
    media = await _unattached(request, caller)
    params = await read_params(request)
    description = params.text("description")
    try:
        focus = parse_focus(params.text("focus"))
        async with context(request).pool.acquire() as conn:
            media = await describe(
                conn, media, media.description if description is None else description, focus
            )
    except InvalidInput as exc:
        raise invalid(str(exc)) from None
    return answer(render_media(media))


routes = [
    Route("/api/v1/media", create, methods=["POST"]),
    Route("/api/v2/media", create, methods=["POST"]),
    Route("/api/v1/media/{id}", show, methods=["GET"]),
    Route("/api/v1/media/{id}", update, methods=["PUT"]),
]
