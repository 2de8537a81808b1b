"""Live updates: Mastodon's streaming API (WebSocket and server-sent events), fed by
PostgreSQL ``LISTEN``/``NOTIFY`` (:mod:`community.events`) in every web process.

:mod:`.clients` names the streams and keeps who listens to what, :mod:`.plan` turns an event
into frames for the clients it reaches, :mod:`.hub` runs one process's listener and fan-out,
:mod:`.session` checks tokens and streams, :mod:`.websocket` and :mod:`.sse` speak the two
transports.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route, WebSocketRoute

from fediverse.api.streaming.hub import Hub
from fediverse.api.streaming.sse import PATHS, event_stream, health
from fediverse.api.streaming.websocket import websocket_stream

routes: list[BaseRoute] = [
    WebSocketRoute("/api/v1/streaming", websocket_stream),
    WebSocketRoute("/api/v1/streaming/", websocket_stream),
    Route("/api/v1/streaming/health", health, methods=["GET"]),
    *(Route(path, event_stream, methods=["GET"]) for path in PATHS),
]

__all__ = ["Hub", "routes"]
