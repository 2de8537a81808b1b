"""A group with moderators here and elsewhere, for the governance tests."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import pytest

from community.accounts import create_user
from community.actors import ensure_instance_actor
from community.groups import create_group
from community.urls import Urls
from tests.inbox.support import remote_actor

BASE = "https://social.test"


@pytest.fixture
async def team(conn: asyncpg.Connection) -> SimpleNamespace:
    """``commons``, moderated by ada alone; bob and cy are people here; rem is on another
    server; ``instance`` is the instance actor (the admin's acts are its)."""
    urls = Urls(BASE)
    ada = await create_user(conn, urls, "ada")
    bob = await create_user(conn, urls, "bob")
    cy = await create_user(conn, urls, "cy")
    rem = (await remote_actor(conn, "https://town.example/users/rem", software="fediverse")).actor
    group = await create_group(conn, urls, "commons", moderators=[ada])
    instance = await ensure_instance_actor(conn, urls)
    return SimpleNamespace(
        urls=urls, ada=ada, bob=bob, cy=cy, rem=rem, group=group, instance=instance
    )
