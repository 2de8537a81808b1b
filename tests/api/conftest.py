from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from fediverse.web.state import state_of
from inbox.worker import InboxWorker
from tests.api.support import make_member

BASE = "https://social.test"


@pytest.fixture
async def ctx(client: httpx.AsyncClient) -> AppContext:
    return state_of(client.app).context


@pytest.fixture
async def town(client: httpx.AsyncClient, conn: asyncpg.Connection) -> SimpleNamespace:
    """alice and bob with tokens, and the local group garden."""
    urls = Urls(BASE)
    alice = await make_member(conn, urls, "alice")
    bob = await make_member(conn, urls, "bob")
    group = await create_group(conn, urls, "garden", name="Garden club")
    return SimpleNamespace(alice=alice, bob=bob, garden=group, urls=urls)


async def step(ctx: AppContext) -> int:
    """Run the inbox worker until nothing is due (local activities go through it)."""
    return await InboxWorker(ctx).run_until_idle()
