"""The streaming API as server-sent events (``/api/v1/streaming/user``, ``/public/local``,
``/hashtag?tag=``, ``/list?list=``…), as Mastodon's streaming server sends them
(``streaming/index.js``, ``streamToHttp``): ``:)`` first, then ``event: …`` / ``data: …`` blocks,
and a ``:thump`` comment every 15 seconds; a refusal is a JSON ``{"error": …}`` with its status.
Mastodon.py's ``stream_user`` and friends read this form.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from fediverse.api.streaming.clients import Client, Frame
from fediverse.api.streaming.hub import Hub
from fediverse.api.streaming.session import (
    StreamError,
    new_client,
    open_session,
    resolve_stream,
    token_of,
)
from fediverse.web.state import state_of

HEARTBEAT_SECONDS = 15.0
PATHS = {
    "/api/v1/streaming/user": "user",
    "/api/v1/streaming/user/notification": "user:notification",
    "/api/v1/streaming/public": "public",
    "/api/v1/streaming/public/local": "public:local",
    "/api/v1/streaming/public/remote": "public:remote",
    "/api/v1/streaming/hashtag": "hashtag",
    "/api/v1/streaming/hashtag/local": "hashtag:local",
    "/api/v1/streaming/list": "list",
}


async def event_stream(request: Request) -> Response:
    state = state_of(request.app)
    ctx, hub = state.context, state.streams
    name = PATHS[request.url.path]
    if name.startswith("public") and _truthy(request.query_params.get("only_media")):
        name += ":media"
    try:
        session = await open_session(ctx, token_of(request.headers, request.query_params)[0])
        stream = await resolve_stream(ctx, session, name, request.query_params)
    except StreamError as exc:
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    client = new_client(session)
    hub.index.connect(client)
    hub.index.subscribe(client, stream)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    body = _events(request, hub, client)
    return StreamingResponse(body, media_type="text/event-stream", headers=headers)


def _truthy(value: str | None) -> bool:
    return bool(value) and value not in ("0", "f", "F", "false", "FALSE", "off", "OFF")


async def _events(request: Request, hub: Hub, client: Client) -> AsyncIterator[str]:
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        yield ":)\n"
        while True:
            frame = await _next_frame(client, gone)
            if frame is None:
                if gone.done() or client.ended:
                    return
                yield ":thump\n"
                continue
            _, event, payload = frame
            yield f"event: {event}\ndata: {payload}\n\n"
    finally:
        gone.cancel()
        hub.index.disconnect(client)


async def _next_frame(client: Client, gone: asyncio.Future[Any]) -> Frame | None:
    """The client's next frame; None after a heartbeat's wait or once the client left."""
    getting: asyncio.Future[Any] = asyncio.ensure_future(client.queue.get())
    await asyncio.wait(
        [getting, gone], timeout=HEARTBEAT_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    if getting.done():
        return None if client.ended else getting.result()
    getting.cancel()  # a cancelled get() leaves its item in the queue
    return None


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def health(request: Request) -> Response:
    return PlainTextResponse("OK")
