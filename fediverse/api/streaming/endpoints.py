"""``/api/v1/streaming``: Mastodon's streaming API, over WebSocket and over server-sent events.

The protocol is Mastodon's streaming server's (``streaming/index.js`` of mastodon/mastodon):

* the token comes from ``Authorization: Bearer``, else ``?access_token=``, else (browsers)
  ``Sec-WebSocket-Protocol``, which is then echoed as the accepted subprotocol; without a good
  one the upgrade (or the event stream) is refused with 401 and ``{"error": …}``;
* a WebSocket subscribes with ``?stream=…`` (and ``tag``/``list``) and with messages
  ``{"type": "subscribe"|"unsubscribe", "stream": …, "tag": …, "list": …}``; each event is a
  text frame ``{"stream": ["hashtag", "tag"], "event": "update", "payload": "<JSON text>"}``
  (for ``delete``, the payload is the id); a refused subscription is answered
  ``{"error": …, "status": 400|401}``; binary frames close the socket (1003);
* the event-stream paths (``/api/v1/streaming/user``, ``/public/local``, ``/hashtag?tag=``,
  ``/list?list=``…) open with ``:)``, send ``event: …`` / ``data: …`` blocks and a ``:thump``
  comment every 15 seconds;
* public streams need no scope; ``user`` and ``list`` need ``read:statuses``,
  ``user:notification`` ``read:notifications`` (``read`` covers both); the ``user`` stream
  carries notifications only when the token may read them; a list must be one's own (here: a
  group one follows).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from community.actors import Actor, find_actor_by_id
from community.context import AppContext
from community.oauth import Token, find_token
from community.statuses import followed_groups, normalize_tag
from fediverse.api.streaming.clients import PUBLIC_STREAMS, STREAMS, Client, Frame, Stream
from fediverse.api.streaming.hub import Hub
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


class StreamError(Exception):
    """A refused connection or subscription: Mastodon's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Session:
    """Who is connected: their token (for scopes) and their account."""

    token: Token
    person: Actor


async def open_session(ctx: AppContext, raw: str | None) -> Session:
    if not raw:
        raise StreamError(401, "Missing access token")
    async with ctx.pool.acquire() as conn:
        token = await find_token(conn, raw)
        person = await find_actor_by_id(conn, token.actor_id) if token and token.actor_id else None
    if token is None or person is None:
        raise StreamError(401, "Invalid access token")
    return Session(token, person)


def token_of(headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str | None, bool]:
    """(the token, whether it came as the WebSocket subprotocol)."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    if query.get("access_token"):
        return query["access_token"], False
    protocol = headers.get("sec-websocket-protocol", "").split(",")[0].strip()
    return (protocol, True) if protocol else (None, False)


async def resolve_stream(
    ctx: AppContext, session: Session, name: str, params: Mapping[str, str]
) -> Stream:
    """The stream ``name`` with its parameters, if this session may have it."""
    if name not in STREAMS:
        raise StreamError(400, "Unknown stream type")
    if name not in PUBLIC_STREAMS:
        needed = "read:notifications" if name == "user:notification" else "read:statuses"
        if not session.token.allows(needed):
            raise StreamError(401, "Access token does not have the required scopes")
    if name.startswith("hashtag"):
        tag = params.get("tag") or ""
        if not normalize_tag(tag):
            raise StreamError(400, "Missing tag name parameter")
        return Stream(name, normalize_tag(tag), (name, tag))
    if name == "list":
        return await _list_stream(ctx, session, params.get("list") or "")
    return Stream(name, "", (name,))


async def _list_stream(ctx: AppContext, session: Session, list_id: str) -> Stream:
    if not list_id:
        raise StreamError(400, "Missing list name parameter")
    async with ctx.pool.acquire() as conn:
        groups = {str(g["id"]) for g in await followed_groups(conn, session.person.id)}
    if list_id not in groups:
        raise StreamError(401, "Not authorized to stream this list")
    return Stream("list", list_id, ("list", list_id))


def new_client(session: Session) -> Client:
    return Client(session.person.id, notifications=session.token.allows("read:notifications"))


# -- WebSocket ----------------------------------------------------------------------------


async def websocket_stream(websocket: WebSocket) -> None:
    state = state_of(websocket.app)
    ctx, hub = state.context, state.streams
    raw, as_protocol = token_of(websocket.headers, websocket.query_params)
    try:
        session = await open_session(ctx, raw)
    except StreamError as exc:
        await _deny(websocket, exc)
        return
    await websocket.accept(subprotocol=raw if as_protocol else None)
    client = new_client(session)
    hub.index.connect(client)
    try:
        stream = websocket.query_params.get("stream")
        if stream:
            await _subscribe(ctx, hub, session, client, stream, websocket.query_params)
        await _first_done(_read(websocket, ctx, hub, session, client), _write(websocket, client))
    finally:
        hub.index.disconnect(client)


async def _deny(websocket: WebSocket, exc: StreamError) -> None:
    """Refuse the upgrade with an HTTP answer, as Mastodon does (else close: HTTP 403)."""
    response = JSONResponse({"error": exc.message}, status_code=exc.status)
    try:
        await websocket.send_denial_response(response)
    except RuntimeError:  # a server without the denial-response extension
        await websocket.close(code=1008)


async def _subscribe(
    ctx: AppContext, hub: Hub, session: Session, client: Client, name: str, params: Any
) -> None:
    try:
        stream = await resolve_stream(ctx, session, name, params)
    except StreamError as exc:
        error = orjson.dumps({"error": exc.message, "status": exc.status}).decode()
        client.offer(((), "", error))
        return
    hub.index.subscribe(client, stream)


def _unsubscribe(hub: Hub, client: Client, name: str, params: Mapping[str, str]) -> None:
    param = params.get("tag") or "" if name.startswith("hashtag") else params.get("list") or ""
    if name.startswith("hashtag"):
        param = normalize_tag(param)
    hub.index.unsubscribe(client, Stream(name, param))


async def _read(
    websocket: WebSocket, ctx: AppContext, hub: Hub, session: Session, client: Client
) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("bytes") is not None:
            reason = "The streaming server does not support binary messages"
            await websocket.close(1003, reason)
            return
        command = _command(message.get("text") or "")
        if command is None:
            continue
        kind, name, params = command
        if kind == "subscribe":
            await _subscribe(ctx, hub, session, client, name, params)
        elif kind == "unsubscribe":
            _unsubscribe(hub, client, name, params)


def _command(text: str) -> tuple[str, str, dict[str, str]] | None:
    """(type, stream, parameters) of a client's message; None for anything else."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    values = {k: v[0] if isinstance(v, list) and v else v for k, v in data.items()}
    kind, name = values.pop("type", None), values.pop("stream", None)
    if not isinstance(kind, str) or not isinstance(name, str):
        return None
    return kind, name, {k: str(v) for k, v in values.items() if isinstance(v, str | int)}


async def _write(websocket: WebSocket, client: Client) -> None:
    with contextlib.suppress(WebSocketDisconnect, OSError):
        while True:
            label, event, payload = await client.queue.get()
            if client.overflowed:
                await websocket.close(1013, "too far behind")
                return
            await websocket.send_text(payload if not label else ws_text(label, event, payload))


@functools.lru_cache(maxsize=256)
def ws_text(label: tuple[str, ...], event: str, payload: str) -> str:
    """A frame's text, made once for all the clients that get the same frame (the payload
    object is shared, and a string keeps its hash)."""
    return orjson.dumps({"stream": list(label), "event": event, "payload": payload}).decode()


async def _first_done(*jobs: Any) -> None:
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# -- server-sent events -------------------------------------------------------------------


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
                if gone.done() or client.overflowed:
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
        return None if client.overflowed else getting.result()
    getting.cancel()  # a cancelled get() leaves its item in the queue
    return None


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def health(request: Request) -> Response:
    return PlainTextResponse("OK")
