"""``/media/KEY``: the files of uploads, served as the pictures they are and as nothing else.

Only a key we made and stored is served (no path from the request reaches the disk), with the
content type recorded when the file was made (one of JPEG, PNG, GIF, WebP: never AS2, never
HTML, whatever the request's ``Accept`` says), ``X-Content-Type-Options: nosniff`` so that no
browser guesses another type, and a Content-Security-Policy that lets a picture opened on its
own run nothing and load nothing (``sandbox``), as Mastodon's own media server is set up
(``dist/nginx.conf``). Keys are never reused, so the files are cached for a year.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from community.errors import NotFoundError
from community.imaging import MEDIA_TYPES
from community.media import find_media_file
from community.mediastore import CACHE_CONTROL, LocalStore, MediaStoreError, is_key
from fediverse.web.state import context

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; form-action 'none'; sandbox",
    "Cache-Control": CACHE_CONTROL,
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
    "Content-Disposition": "inline",
}


async def serve(request: Request) -> Response:
    key = request.path_params["key"]
    if not is_key(key):
        raise NotFoundError("media")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        content_type = await find_media_file(conn, key)
    if content_type not in MEDIA_TYPES:
        raise NotFoundError("media")
    store = ctx.media
    if isinstance(store, LocalStore):
        path = store.path_of(key)
        if not path.is_file():
            raise NotFoundError("media")
        return FileResponse(path, media_type=content_type, headers=HEADERS)
    try:
        data = await store.get(key)
    except MediaStoreError:
        return Response("the media store is unavailable", status_code=503)
    if data is None:
        raise NotFoundError("media")
    return Response(data, media_type=content_type, headers=HEADERS)


routes = [Route("/media/{key:path}", serve, methods=["GET", "HEAD"])]
