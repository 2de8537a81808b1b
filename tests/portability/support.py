"""A community worth moving, built in-process: two moderators, three threads with comments and
votes, a pin, a lock, a removal, a ban, an author's deletion, followers of both kinds; and the
context of a second server to import it into."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg

from community.accounts import create_user
from community.actors import Actor
from community.audience import compose
from community.context import AppContext, open_context
from community.groups import create_group
from community.posts import admit_to_group, delete_post, record_vote
from community.settings import Settings
from community.storage.database import Conn, create_pool
from community.urls import Urls
from outbox.activities import build_note
from outbox.governance import Act, submit
from tests.inbox.support import remote_actor

OLD = "https://old.example"
NEW = "https://new.example"
LEMMY = "https://lemmy.example"
MASTO = "https://masto.example"


async def follow(conn: Conn, actor: Actor, group: Actor) -> None:
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state, accepted_at)"
        " VALUES ($1, $2, 'accepted', now())",
        actor.id,
        group.id,
    )


async def post(
    conn: Conn, urls: Urls, author: Actor, group: Actor, text: str, parent: Any = None
) -> Any:
    mentioned = [group]
    note = build_note(
        urls,
        author,
        text,
        audience=compose(author, "public", group=group, mentioned=mentioned),
        mentioned=mentioned,
        group=group,
        parent=parent,
        title=None if parent is not None else text.split(".")[0],
    )
    return await admit_to_group(conn, note, author, group)


async def build_community(conn: Conn, base_url: str = OLD) -> SimpleNamespace:
    """``commons`` at ``base_url``: moderated by ann and bob (acts that need consent wait)."""
    urls = Urls(base_url)
    ann = await create_user(conn, urls, "ann")
    bob = await create_user(conn, urls, "bob")
    cat = await create_user(conn, urls, "cat")
    group = await create_group(conn, urls, "commons", moderators=[ann], name="The Commons")
    lee = (await remote_actor(conn, f"{LEMMY}/u/lee", software="lemmy")).actor
    mia = (await remote_actor(conn, f"{MASTO}/users/mia", software="mastodon")).actor
    for member in (cat, lee, mia):
        await follow(conn, member, group)
    threads = [
        await post(conn, urls, ann, group, f"Thread {n}. Welcome to thread {n}.") for n in (1, 2, 3)
    ]
    replies = [await post(conn, urls, cat, group, f"Reply to {t.title}", t) for t in threads]
    nested = await post(conn, urls, bob, group, "A reply to a reply", replies[0])
    for n, voter in enumerate((bob, cat)):
        await record_vote(conn, voter, threads[0], "Like", f"{urls.base_url}/activities/v{n}")
    await record_vote(conn, ann, threads[1], "Dislike", f"{urls.base_url}/activities/v9")
    gone = await post(conn, urls, cat, group, "Oops", threads[2])
    await delete_post(conn, gone, cat.uri)
    for kind, params in (
        ("pin", {"post": threads[0].uri}),
        ("lock", {"post": threads[1].uri}),
        ("remove_post", {"post": replies[2].uri}),
        ("ban", {"person": mia.uri, "until": None, "remove_data": False}),
        ("add_moderator", {"person": bob.uri}),
    ):
        await submit(conn, urls, Act(group, kind, ann, params, reason=f"{kind} for a test"))
    await conn.execute("DELETE FROM deliveries")
    return SimpleNamespace(
        urls=urls,
        group=group,
        ann=ann,
        bob=bob,
        cat=cat,
        lee=lee,
        mia=mia,
        threads=threads,
        replies=replies,
        nested=nested,
        gone=gone,
    )


def settings_for(database_url: str, base_url: str, data_dir: Path) -> Settings:
    scheme, domain = base_url.split("://")
    return Settings(
        _env_file=None,
        domain=domain,
        scheme=scheme,
        database_url=database_url,
        data_dir=data_dir,
    )


@asynccontextmanager
async def server_context(
    database_url: str, base_url: str, data_dir: Path
) -> AsyncIterator[AppContext]:
    """The federating context of a server at ``base_url`` on ``database_url`` (no process)."""
    pool = await create_pool(database_url, max_size=4)
    try:
        ctx = await open_context(
            settings_for(database_url, base_url, data_dir), Urls(base_url), pool
        )
        try:
            yield ctx
        finally:
            await ctx.aclose()
    finally:
        await pool.close()


async def table_snapshot(conn: asyncpg.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """What an import may write, row by row (timestamps of fetches aside)."""
    queries = {
        "actors": "SELECT uri, type, name, summary, also_known_as, moved_to_uri, deleted_at"
        " FROM actors ORDER BY uri",
        "posts": "SELECT uri, group_id, root_id, pinned, locked, removed_at, deleted_at, raw::text"
        " FROM posts ORDER BY uri",
        "votes": "SELECT actor_id, post_id, kind, activity_uri FROM votes ORDER BY activity_uri",
        "group_moderators": "SELECT * FROM group_moderators ORDER BY group_id, actor_id",
        "group_bans": "SELECT * FROM group_bans ORDER BY group_id, actor_id",
        "group_shares": "SELECT post_id, group_id FROM group_shares ORDER BY 1, 2",
        "tombstones": "SELECT uri FROM tombstones ORDER BY uri",
        "modlog": "SELECT id, activity_uri FROM modlog ORDER BY id",
        "former_followers": "SELECT * FROM former_followers ORDER BY actor_uri",
        "actor_keys": "SELECT key_id, public_key_pem FROM actor_keys ORDER BY key_id",
        "activities": "SELECT uri FROM activities ORDER BY uri",
        "group_settings": "SELECT * FROM group_settings ORDER BY group_id",
    }
    return {name: [tuple(r) for r in await conn.fetch(q)] for name, q in queries.items()}
