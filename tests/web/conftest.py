"""Fixtures of the web pages' tests: an in-process browser (httpx, cookies kept) with people
and a community, and the real browser of the Playwright tests (tests/web/browser.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.accounts import create_user
from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from fediverse.web.state import state_of
from inbox.worker import InboxWorker
from tests.api.support import PASSWORD, csrf_of

BASE = "https://social.test"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
async def ctx(client: httpx.AsyncClient) -> AppContext:
    return state_of(client.app).context


@pytest.fixture
async def town(conn: asyncpg.Connection) -> SimpleNamespace:
    """alice (who moderates the community garden) and bob, both able to sign in."""
    urls = Urls(BASE)
    alice = await create_user(conn, urls, "alice", password=PASSWORD, display_name="Alice")
    bob = await create_user(conn, urls, "bob", password=PASSWORD)
    garden = await create_group(
        conn, urls, "garden", moderators=[alice], name="Garden club", summary="<p>We grow.</p>"
    )
    return SimpleNamespace(alice=alice, bob=bob, garden=garden, urls=urls)


async def step(ctx: AppContext) -> int:
    """Run the inbox worker until nothing is due (local activities go through it)."""
    return await InboxWorker(ctx).run_until_idle()


@pytest.fixture
def browse(client: httpx.AsyncClient) -> Callable[..., object]:
    """A browser of its own on the same app: cookies kept, HTML asked for; signed in as
    ``name`` when given."""

    @asynccontextmanager
    async def open_browser(name: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=HTML) as http:
            if name is not None:
                form = await http.get("/auth/sign_in")
                done = await http.post(
                    "/auth/sign_in",
                    data={"csrf": csrf_of(form.text), "username": name, "password": PASSWORD},
                )
                assert done.status_code == 303, done.text
            yield http

    return open_browser


async def post_form(http: httpx.AsyncClient, page: str, target: str, **data: str) -> httpx.Response:
    """Fill in the form of ``page`` that posts to ``target`` (its CSRF token included)."""
    shown = await http.get(page)
    assert shown.status_code == 200, shown.text
    return await http.post(target, data={"csrf": csrf_of(shown.text), **data})
