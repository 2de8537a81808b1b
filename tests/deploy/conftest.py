"""A real `fediverse serve` behind the real proxies, all on loopback."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import ServerProcess, clean_env, free_port

# The test client speaks from a second loopback address, so that the proxy (127.0.0.1) and
# the client are told apart: only 127.0.0.1 is a trusted proxy.
CLIENT_ADDRESS = "127.0.0.2"


@pytest.fixture
def start_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    servers: list[ServerProcess] = []

    def start(*, trusted_proxies: str) -> ServerProcess:
        port = free_port()
        env = clean_env(
            DATABASE_URL=database_url,
            FEDIVERSE_DOMAIN="social.example",
            FEDIVERSE_PORT=str(port),
            FEDIVERSE_ENV="production",
            FEDIVERSE_LOG_FORMAT="json",
            FEDIVERSE_TRUSTED_PROXIES=trusted_proxies,
        )
        server = ServerProcess(port, env, tmp_path).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        assert server.stop() in (0, -signal.SIGTERM)


def client_from_second_address() -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS, verify=False)
    return httpx.Client(transport=transport, timeout=10)


def access_line(server: ServerProcess, rid: str) -> dict[str, Any]:
    """The server's JSON access-log line for the request with id ``rid``."""
    for line in server.log().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("logger") == "fediverse.access" and entry.get("request_id") == rid:
                return dict(entry)
    raise AssertionError(f"no access line with request id {rid}:\n{server.log()}")
