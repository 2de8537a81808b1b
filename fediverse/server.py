"""Running the web server process (uvicorn) with our settings."""

from __future__ import annotations

import uvicorn

from community.context import Starter
from community.settings import Settings
from fediverse.app import create_app
from fediverse.logs import setup_logging
from fediverse.web.metrics import start_metrics_port
from fediverse.worker import start_delivery_worker
from inbox.worker import inbox_starter


def run_server(settings: Settings, *, demo: bool = False) -> None:
    setup_logging(settings.log_level, settings.log_format)
    app = create_app(settings, demo=demo, starters=default_starters(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        # fediverse.web.proxy alone reads forwarded headers, from trusted proxies only
        proxy_headers=False,
        # our own access log (fediverse.access) carries the request id and the real client
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=10,
        # streaming frames go out uncompressed, as Mastodon's streaming server sends them (the
        # `ws` library's default): deflating each frame once per client costs more CPU than
        # the few kilobytes it saves (bench/streaming.py)
        ws_per_message_deflate=False,
    )


def default_starters(settings: Settings) -> list[Starter]:
    """What `serve` runs beside the web app: the metrics port, and the inbox and delivery
    workers unless FEDIVERSE_RUN_WORKERS=false."""
    if not settings.run_workers:
        return [start_metrics_port]
    return [start_metrics_port, inbox_starter(), start_delivery_worker]
