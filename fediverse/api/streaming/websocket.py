"""``/api/v1/streaming`` over WebSocket, with Mastodon's protocol (``streaming/index.js`` of
mastodon/mastodon, ``onConnection``, ``streamToWs``, ``subscribeWebsocketToChannel``).

The upgrade is refused with an HTTP 401 and ``{"error": …}`` without a good token; a token given
as ``Sec-WebSocket-Protocol`` is echoed as the accepted subprotocol (browsers require it). A
client subscribes with ``?stream=…`` (and ``tag``/``list``) and with messages ``{"type":
"subscribe"|"unsubscribe", "stream": …, "tag": …, "list": …}``; a refused subscription is
answered ``{"error": …, "status": 400|401}``. Each event is a text frame ``{"stream":
["hashtag", "tag"], "event": "update", "payload": "<JSON text>"}`` (for ``delete``, the payload
is the id). Binary frames close the socket (1003); a client too far behind is closed (1013).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from community.context import AppContext
from community.statuses import normalize_tag
from fediverse.api.streaming.clients import Client, Stream
from fediverse.api.streaming.hub import Hub
from fediverse.api.streaming.session import (
    Session,
    StreamError,
    new_client,
    open_session,
    resolve_stream,
    token_of,
)
from fediverse.web.state import state_of


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
    if name.startswith("hashtag"):
        param = normalize_tag(params.get("tag") or "")
    else:
        param = params.get("list") or "" if name == "list" else ""
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
            if client.ended:
                reason = "too far behind" if client.overflowed else "the token was revoked"
                await websocket.close(1013 if client.overflowed else 1008, reason)
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
