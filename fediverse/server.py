"""Running the web server process (uvicorn) with our settings."""

from __future__ import annotations

import uvicorn

from fediverse.app import create_app
from fediverse.context import Starter
from fediverse.logs import setup_logging
from fediverse.settings import Settings
from inbox.worker import inbox_starter


def run_server(settings: Settings, *, demo: bool = False) -> None:
    setup_logging(settings.log_level, settings.log_format)
    app = create_app(settings, demo=demo, starters=default_starters(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


def default_starters(settings: Settings) -> list[Starter]:
    """Background workers run in-process by `serve` (unless FEDIVERSE_RUN_WORKERS=false)."""
    if not settings.run_workers:
        return []
    from fediverse.worker import start_delivery_worker

    return [inbox_starter(), start_delivery_worker]
