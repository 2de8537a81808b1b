"""A real HTTP/1.1 server on 127.0.0.1 for fetch tests (asyncio streams, one request per
connection). Routes answer with a :class:`Reply`, or a function of the :class:`Received`
request; replies can be drip-fed chunk by chunk."""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REASONS = {200: "OK", 301: "Moved", 302: "Found", 401: "Unauthorized", 404: "Not Found"}


@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: list[bytes] | None = None  # sent without Content-Length, one by one
    delay: float = 0.0  # pause before each chunk

    @classmethod
    def json(cls, data: Any, content_type: str = "application/activity+json") -> Reply:
        return cls(headers={"Content-Type": content_type}, body=json.dumps(data).encode())


Route = Reply | Callable[[Received], Reply]


class LoopbackServer:
    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.routes: dict[str, Route] = {}
        self.received: list[Received] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, reply: Route) -> None:
        self.routes[path] = reply

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", 0, ssl=self.ssl_context
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await self._read(reader)
            self.received.append(request)
            reply = self._reply_for(request)
            await self._write(writer, reply)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _read(self, reader: asyncio.StreamReader) -> Received:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = await reader.readexactly(length) if length else b""
        return Received(method, target, headers, body)

    def _reply_for(self, request: Received) -> Reply:
        route = self.routes.get(request.target) or self.routes.get(request.target.split("?")[0])
        if route is None:
            return Reply(404, body=b"not found")
        return route(request) if callable(route) else route

    async def _write(self, writer: asyncio.StreamWriter, reply: Reply) -> None:
        headers = {"Connection": "close", **reply.headers}
        if reply.chunks is None:
            headers.setdefault("Content-Length", str(len(reply.body)))
        status = f"HTTP/1.1 {reply.status} {REASONS.get(reply.status, 'Status')}\r\n"
        head = status + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode("latin-1"))
        if reply.chunks is None:
            writer.write(reply.body)
            await writer.drain()
            return
        for chunk in reply.chunks:
            if reply.delay:
                await asyncio.sleep(reply.delay)
            writer.write(chunk)
            await writer.drain()
