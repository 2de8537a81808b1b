"""The streaming API through deploy/nginx.conf and deploy/Caddyfile: a WebSocket is upgraded
and an event stream flows, each carrying a post made through the same proxy."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect as ws_connect

from community.storage.database import connect
from community.urls import Urls
from tests.api.support import make_member
from tests.deploy.proxies import (
    caddy_running,
    nginx_running,
    render_nginx_site,
    require_binary,
    write_nginx_main,
)
from tests.helpers import ServerProcess, free_port

pytestmark = pytest.mark.slow


async def a_member(database_url: str) -> dict[str, str]:
    async with connect(database_url) as conn:
        return await make_member(conn, Urls("https://social.example"), "reader")


async def streams_through(base: str, headers: dict[str, str]) -> None:
    """A post made through the proxy reaches a WebSocket and an event stream through it."""
    token = headers["Authorization"].removeprefix("Bearer ")
    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
    ws_url = base.replace("http", "ws", 1) + f"/api/v1/streaming?stream=user&access_token={token}"
    tls = insecure if base.startswith("https") else None
    async with (
        ws_connect(ws_url, ssl=tls) as socket,
        httpx.AsyncClient(base_url=base, verify=False, timeout=20) as http,
        http.stream("GET", "/api/v1/streaming/user", headers=headers) as events,
    ):
        lines = events.aiter_lines()
        assert await anext(lines) == ":)"
        posted = await http.post(
            "/api/v1/statuses", headers=headers, json={"status": "through the proxy"}
        )
        assert posted.status_code == 200, posted.text
        frame = await asyncio.wait_for(socket.recv(), 20)
        assert posted.json()["id"] in str(frame)
        async with asyncio.timeout(20):
            async for line in lines:
                if line.startswith("data: ") and posted.json()["id"] in line:
                    break


def test_nginx_passes_websockets_and_event_streams(
    start_app: Callable[..., ServerProcess], database_url: str, tmp_path: Path
) -> None:
    nginx = require_binary("nginx")
    app = start_app(trusted_proxies="127.0.0.1/32")
    http_port, https_port = free_port(), free_port()
    site = render_nginx_site(
        tmp_path, http_port=http_port, https_port=https_port, app_port=app.port
    )
    conf = write_nginx_main(tmp_path, site)
    with nginx_running(nginx, tmp_path, conf, https_port=https_port) as base:
        asyncio.run(streams_through(base, asyncio.run(a_member(database_url))))


def test_caddy_passes_websockets_and_event_streams(
    start_app: Callable[..., ServerProcess], database_url: str, tmp_path: Path
) -> None:
    app = start_app(trusted_proxies="127.0.0.1/32")
    with caddy_running(tmp_path, port=free_port(), app_port=app.port) as base:
        asyncio.run(streams_through(base, asyncio.run(a_member(database_url))))
