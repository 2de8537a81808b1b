from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.accounts import create_user
from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from inbox.worker import InboxWorker
from tests.inbox.support import remote_actor

BASE = "https://social.test"
GROUP = f"{BASE}/groups/main"
LEMMY = "https://ds9.lemmy.example"
MASTODON = "https://mastodon.example"

# Published payloads, moved onto our made-up hosts and our group.
LEMMY_HOSTS = {
    "http://enterprise.lemmy.ml/c/main": GROUP,
    "https://enterprise.lemmy.ml/c/main": GROUP,
    "http://ds9.lemmy.ml": LEMMY,
    "https://ds9.lemmy.ml": LEMMY,
}


@pytest.fixture
async def ctx(client: httpx.AsyncClient) -> AppContext:
    context: AppContext = client.app.state.web.context
    return context


@pytest.fixture
async def world(client: httpx.AsyncClient, conn: asyncpg.Connection) -> SimpleNamespace:
    urls = Urls(BASE)
    mod = await create_user(conn, urls, "mod")
    group = await create_group(conn, urls, "main", moderators=[mod])
    alpha = await remote_actor(conn, f"{LEMMY}/u/lemmy_alpha", software="lemmy")
    felix = await remote_actor(conn, f"{MASTODON}/users/felix", software="mastodon")
    stranger = await remote_actor(conn, "https://other.example/u/stranger")
    return SimpleNamespace(
        group=group, mod=mod, alpha=alpha, felix=felix, stranger=stranger, urls=urls
    )


async def step(ctx: AppContext) -> int:
    return await InboxWorker(ctx).run_until_idle()
