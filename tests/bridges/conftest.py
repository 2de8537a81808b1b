"""Communities on one server, bridged to each other, with the whole app in-process: what crosses
goes through the real local inbox queue, handlers and dispatch (:func:`step` runs the worker)."""

from __future__ import annotations

from types import SimpleNamespace

import asyncpg
import httpx
import pytest

from community.actors import Actor, ensure_instance_actor
from community.context import AppContext
from community.groups import create_group
from community.urls import Urls
from fediverse.web.state import state_of
from inbox.worker import InboxWorker
from outbox.actions import follow
from outbox.moderation import Moderator
from tests.api.support import make_member

BASE = "https://social.test"


@pytest.fixture
async def ctx(client: httpx.AsyncClient) -> AppContext:
    return state_of(client.app).context


async def step(ctx: AppContext) -> int:
    """Run the inbox worker until nothing is due (local activities go through it)."""
    return await InboxWorker(ctx).run_until_idle()


async def person(conn: asyncpg.Connection, name: str) -> Actor:
    record = await conn.fetchrow("SELECT * FROM actors WHERE username = $1", name)
    return Actor.from_record(record)


@pytest.fixture
async def town(
    client: httpx.AsyncClient, conn: asyncpg.Connection, ctx: AppContext
) -> SimpleNamespace:
    """``street`` (moderated by ann, who belongs to it) and ``cycling`` (moderated by cy, bea
    posts there); the admin; tokens for ann and bea."""
    urls = Urls(BASE)
    tokens = {name: await make_member(conn, urls, name) for name in ("ann", "bea", "cy")}
    ann, bea, cy = [await person(conn, name) for name in ("ann", "bea", "cy")]
    street = await create_group(conn, urls, "street", name="Elm Street", moderators=[ann])
    cycling = await create_group(
        conn,
        urls,
        "cycling",
        name="City cycling",
        summary="Two wheels. #cycling #bikes",
        moderators=[cy],
    )
    await follow(conn, urls, ann, street)
    await follow(conn, urls, bea, cycling)
    await step(ctx)
    admin = Moderator(await ensure_instance_actor(conn, urls), admin=True)
    return SimpleNamespace(
        urls=urls,
        ann=ann,
        bea=bea,
        cy=cy,
        street=street,
        cycling=cycling,
        admin=admin,
        tokens=tokens,
    )
