"""What the CLI commands do, as coroutines (``cli.py`` only parses arguments and prints)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg

from federation.errors import FetchError
from fediverse.accounts import create_user, set_password, set_state
from fediverse.actors import (
    Actor,
    ActorType,
    PostingPolicy,
    get_local_actor,
    list_local_actors,
    public_keys_of,
)
from fediverse.context import AppContext
from fediverse.errors import InvalidInput
from fediverse.groups import create_group
from fediverse.html import sanitize_html, text_to_html
from fediverse.membership import pending_requests
from fediverse.posts import find_post
from fediverse.runtime import database, open_pool, open_remote, served_urls
from fediverse.settings import Settings
from fediverse.storage.database import Conn, connect
from fediverse.storage.migrations import migrate
from fediverse.urls import Urls
from outbox import actions
from outbox.actions import answer_request

POSTING_POLICIES = ("members", "anyone", "moderators")


async def migrate_database(settings: Settings) -> int:
    async with database(settings) as db, connect(db.url) as conn:
        return len(await migrate(conn))


@asynccontextmanager
async def management(settings: Settings) -> AsyncIterator[tuple[asyncpg.Connection, Urls]]:
    """A connection to a migrated database and the public URLs it belongs to."""
    async with database(settings) as db:
        urls = await served_urls(settings, db.url)
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


async def set_user_state_command(settings: Settings, name: str, state: str) -> str:
    async with management(settings) as (conn, urls):
        await set_state(conn, name, state)
    word = {"active": "can sign in", "suspended": "is suspended"}[state]
    return f"@{name}@{urls.domain} {word}"


async def reset_password_command(settings: Settings, name: str, password: str) -> str:
    async with management(settings) as (conn, urls):
        await set_password(conn, name, password)
    return f"new password set for @{name}@{urls.domain}; every app and browser is signed out"


async def list_actors_command(settings: Settings, actor_type: ActorType) -> list[str]:
    async with management(settings) as (conn, urls):
        rows = await list_local_actors(conn, actor_type)
    if not rows:
        return [f"no {'groups' if actor_type == 'Group' else 'people'} yet"]
    lines = []
    for row in rows:
        extra = " closed" if row["manually_approves_followers"] else ""
        if row["user_state"] not in (None, "active"):
            extra += f" {row['user_state']}"
        lines.append(
            f"@{row['username']}@{urls.domain}\t{row['followers_count']} followers{extra}"
            f"\t{row['name']}"
        )
    return lines


@asynccontextmanager
async def federating(settings: Settings) -> AsyncIterator[AppContext]:
    """A context that can fetch from other servers (for lookups and members' actions)."""
    async with database(settings) as db:
        urls = await served_urls(settings, db.url)
        pool = await open_pool(db.url, max_size=4)
        ctx = AppContext(settings=settings, urls=urls, pool=pool)
        try:
            ctx.remote = await open_remote(ctx)
            yield ctx
        finally:
            if ctx.remote is not None:
                await ctx.remote.fetcher.aclose()
            await pool.close()


async def find_actor_by_handle(ctx: AppContext, handle: str, *, fetch: bool = True) -> Actor:
    """A local name, or ``@name@host`` (looked up by WebFinger when ``fetch``)."""
    assert ctx.remote is not None
    if "@" not in handle.lstrip("@"):
        async with ctx.pool.acquire() as conn:
            return await get_local_actor(conn, handle)
    try:
        return await ctx.remote.resolve_handle(handle)
    except FetchError as exc:
        raise InvalidInput(f"cannot look up {handle}: {exc}") from None


async def lookup_command(settings: Settings, handle: str) -> list[str]:
    async with federating(settings) as ctx:
        actor = await find_actor_by_handle(ctx, handle)
        assert ctx.remote is not None
        software = None if actor.local else await ctx.remote.software_of(actor.domain)
        async with ctx.pool.acquire() as conn:
            keys = await public_keys_of(conn, actor)
    return [
        f"{actor.type} @{actor.username}@{actor.domain}",
        f"id:            {actor.uri}",
        f"name:          {actor.name}",
        f"inbox:         {actor.inbox_uri}",
        f"shared inbox:  {actor.shared_inbox_uri or '-'}",
        f"followers:     {actor.followers_uri or '-'}",
        f"software:      {software or ('fediverse (this server)' if actor.local else 'unknown')}",
        f"closed:        {'yes' if actor.manually_approves_followers else 'no'}",
        *[f"key:           {key['key_id']}" for key in keys],
    ]


async def requests_command(settings: Settings, group_name: str) -> list[str]:
    async with management(settings) as (conn, _):
        group = await get_local_actor(conn, group_name)
        if not group.is_group:
            raise InvalidInput(f"{group_name!r} is a person, not a group")
        rows = await pending_requests(conn, group)
    if not rows:
        return [f"no pending requests to join {group_name}"]
    return [
        f"@{r['username']}@{r['domain']}\t{r['created_at']:%Y-%m-%d %H:%M}\t{r['uri']}"
        for r in rows
    ]


async def answer_request_command(
    settings: Settings, group_name: str, handle: str, *, approve: bool
) -> str:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await get_local_actor(conn, group_name)
        follower = await find_actor_by_handle(ctx, handle, fetch=False)
        await answer_request(conn, ctx.urls, group, follower, approve=approve)
    return f"{'approved' if approve else 'rejected'} {follower.handle} for {group.handle}"


async def member_command(settings: Settings, action: str, name: str, **kwargs: str | None) -> str:
    """A local person acts (follow, unfollow, post, delete, like) as their app would."""
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        person = await get_local_actor(conn, name)
        if person.type != "Person":
            raise InvalidInput(f"{name!r} is a group; groups do not act this way")
        return await _member_action(ctx, conn, person, action, kwargs)


async def _member_action(
    ctx: AppContext, conn: Conn, person: Actor, action: str, args: dict[str, str | None]
) -> str:
    if action in ("follow", "unfollow"):
        target = await find_actor_by_handle(ctx, args["handle"] or "")
        await (actions.follow if action == "follow" else actions.unfollow)(
            conn, ctx.urls, person, target
        )
        return f"{person.handle} {action}ed {target.handle}"
    if action == "post":
        group_handle = args.get("group")
        group = await find_actor_by_handle(ctx, group_handle) if group_handle else None
        published = await actions.publish(
            conn, ctx.urls, person, args["text"] or "", group=group,
            in_reply_to=args.get("reply_to"), title=args.get("title"),
        )  # fmt: skip
        return published.uri
    post = await find_post(conn, args["uri"] or "")
    if post is None:
        raise InvalidInput(f"no post {args['uri']} here")
    if action == "delete":
        await actions.delete(conn, ctx.urls, person, post)
        return f"deleted {post.uri}"
    await actions.like(conn, ctx.urls, person, post)
    return f"liked {post.uri}"
