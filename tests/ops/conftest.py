"""An in-process client for the app built with some settings changed."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from community.settings import Settings
from fediverse.app import create_app
from tests.conftest import TEST_DOMAIN

ClientFactory = Callable[..., Any]


@pytest.fixture
def make_client(settings: Settings) -> ClientFactory:
    """``async with make_client(trusted_proxies=[...]) as http:`` — peer is 127.0.0.1."""

    @asynccontextmanager
    async def factory(**changes: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(Settings.model_validate({**settings.model_dump(), **changes}))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
            async with httpx.AsyncClient(
                transport=transport, base_url=f"https://{TEST_DOMAIN}"
            ) as http:
                yield http

    return factory
