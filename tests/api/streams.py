"""A WebSocket client of the streaming API (the ``websockets`` package), for tests and benches:
it subscribes as Mastodon's protocol says and collects the frames it receives."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect


@dataclass
class Frame:
    stream: list[str]
    event: str
    payload: Any
    received_at: float

    @property
    def status(self) -> dict[str, Any]:
        assert isinstance(self.payload, dict)
        return self.payload


@dataclass
class StreamClient:
    """One WebSocket connection; ``frames`` fills as events arrive."""

    socket: ClientConnection
    frames: list[Frame] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, base_url: str, token: str, *, stream: str | None = None, **params: str):
        query = f"access_token={token}" + (f"&stream={stream}" if stream else "")
        query += "".join(f"&{k}={v}" for k, v in params.items())
        url = base_url.replace("http", "ws", 1) + "/api/v1/streaming?" + query
        client = cls(await connect(url, max_size=2**22))
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        async for message in self.socket:
            data = orjson.loads(message)
            if "error" in data:
                self.errors.append(data)
                continue
            payload = data["payload"]
            if data["event"] != "delete":
                payload = orjson.loads(payload)
            self.frames.append(Frame(data["stream"], data["event"], payload, time.time()))

    async def subscribe(self, stream: str, **params: str) -> None:
        await self.socket.send(
            orjson.dumps({"type": "subscribe", "stream": stream, **params}).decode()
        )

    async def unsubscribe(self, stream: str, **params: str) -> None:
        await self.socket.send(
            orjson.dumps({"type": "unsubscribe", "stream": stream, **params}).decode()
        )

    async def wait_for(
        self, check: Callable[[Frame], bool], what: str, timeout: float = 30
    ) -> Frame:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for frame in self.frames:
                if check(frame):
                    return frame
            await asyncio.sleep(0.05)
        seen = [(f.stream, f.event) for f in self.frames]
        raise AssertionError(f"no {what} within {timeout}s; got {seen} errors {self.errors}")

    async def wait_for_errors(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.errors) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.errors

    async def closed_by_server(self, timeout: float = 20) -> tuple[int | None, str | None]:
        """Wait for the server to close the connection; its close code and reason."""
        assert self._reader is not None
        async with asyncio.timeout(timeout):
            await asyncio.gather(self._reader, return_exceptions=True)
        return self.socket.close_code, self.socket.close_reason

    async def close(self) -> None:
        await self.socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
