"""What the CLI commands do, as coroutines (``cli.py`` only parses arguments and prints)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg

from fediverse.accounts import create_user
from fediverse.actors import ActorType, PostingPolicy, get_local_actor, list_local_actors
from fediverse.errors import InvalidInput
from fediverse.groups import create_group
from fediverse.html import sanitize_html, text_to_html
from fediverse.runtime import database, prepare_database, stored_urls
from fediverse.settings import Settings, SettingsError
from fediverse.storage.database import connect
from fediverse.storage.migrations import migrate
from fediverse.urls import Urls

POSTING_POLICIES = ("members", "anyone", "moderators")


async def migrate_database(settings: Settings) -> int:
    async with database(settings) as db, connect(db.url) as conn:
        return len(await migrate(conn))


@asynccontextmanager
async def management(settings: Settings) -> AsyncIterator[tuple[asyncpg.Connection, Urls]]:
    """A connection to a migrated database and the public URLs it belongs to."""
    async with database(settings) as db:
        urls = Urls(settings.base_url) if settings.domain else await stored_urls(db.url)
        if urls is None:
            raise SettingsError(
                "FEDIVERSE_DOMAIN is not set and this database has never been served: "
                "set FEDIVERSE_DOMAIN (and run `fediverse migrate`) first"
            )
        await prepare_database(db.url, urls, apply_migrations=False)
        async with connect(db.url) as conn:
            yield conn, urls


def _summary_html(summary: str) -> str:
    if "<" in summary:
        return sanitize_html(summary)
    return text_to_html(summary)


async def create_group_command(
    settings: Settings,
    name: str,
    title: str,
    summary: str,
    closed: bool,
    posting: str,
    moderator_names: list[str],
) -> str:
    if posting not in POSTING_POLICIES:
        raise InvalidInput(f"--posting must be one of {', '.join(POSTING_POLICIES)}")
    async with management(settings) as (conn, urls):
        moderators = [await get_local_actor(conn, n) for n in moderator_names]
        group = await create_group(
            conn,
            urls,
            name,
            title=title,
            summary=_summary_html(summary),
            closed=closed,
            posting_policy=cast(PostingPolicy, posting),
            moderators=moderators,
        )
    return f"@{group.username}@{urls.domain} ({group.uri})"


async def create_user_command(
    settings: Settings, name: str, password: str | None, admin: bool
) -> str:
    async with management(settings) as (conn, urls):
        user = await create_user(conn, urls, name, password=password, is_admin=admin)
    return f"@{user.username}@{urls.domain} ({user.uri})"


async def list_actors_command(settings: Settings, actor_type: ActorType) -> list[str]:
    async with management(settings) as (conn, urls):
        rows = await list_local_actors(conn, actor_type)
    if not rows:
        return [f"no {'groups' if actor_type == 'Group' else 'people'} yet"]
    lines = []
    for row in rows:
        extra = " closed" if row["manually_approves_followers"] else ""
        lines.append(
            f"@{row['username']}@{urls.domain}\t{row['followers_count']} followers{extra}"
            f"\t{row['name']}"
        )
    return lines
