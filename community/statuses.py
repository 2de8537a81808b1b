"""What the client API shows: timelines as entries, and posts and accounts with their counts.

A timeline entry is a post, or a share of one (shown as a Mastodon reblog by the sharer).
Pages are keysets on entry ids (Mastodon's ``max_id``/``since_id``/``min_id``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from community.actors import Actor
from community.audience import mention_uris, tags_of
from community.media import Media, media_of_posts
from community.membership import find_follow
from community.polls import PollView, polls_of_posts
from community.posts import Post
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

NEWEST = 2**63 - 1


@dataclass(frozen=True)
class Page:
    """Mastodon pagination: older than ``max_id``, newer than ``since_id``, or right after
    ``min_id`` (oldest first in the query, newest first in the answer)."""

    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    limit: int = 20

    @property
    def after(self) -> int:
        return self.min_id if self.min_id is not None else (self.since_id or 0)

    @property
    def before(self) -> int:
        return self.max_id if self.max_id is not None else NEWEST

    @property
    def oldest_first(self) -> bool:
        return self.min_id is not None

    @property
    def keyset(self) -> tuple[int, int, int, bool]:
        """(after, before, limit, oldest first): how every paged query ends its parameters."""
        return self.after, self.before, self.limit, self.oldest_first


@dataclass(frozen=True)
class Entry:
    entry_id: int
    post_id: int
    sharer_id: int | None

    @classmethod
    def from_record(cls, record: asyncpg.Record) -> Entry:
        return cls(record["entry_id"], record["post_id"], record["sharer_id"])


@dataclass(frozen=True)
class PostView:
    post: Post
    parent_id: int | None
    parent_author_id: int | None
    replies_count: int
    reblogs_count: int
    favourites_count: int
    favourited: bool
    reblogged: bool
    bookmarked: bool = False
    #: the viewer muted the post's conversation
    muted: bool = False


@dataclass(frozen=True)
class AccountView:
    actor: Actor
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: datetime | None
    user_state: str | None
    is_admin: bool


@dataclass
class Bundle:
    """Everything needed to render some entries: posts, accounts, mentioned actors' ids."""

    posts: dict[int, PostView] = field(default_factory=dict)
    accounts: dict[int, AccountView] = field(default_factory=dict)
    ids_by_uri: dict[str, int] = field(default_factory=dict)
    media: dict[int, list[Media]] = field(default_factory=dict)
    polls: dict[int, PollView] = field(default_factory=dict)


def _entries(rows: Iterable[asyncpg.Record]) -> list[Entry]:
    return sorted((Entry.from_record(r) for r in rows), key=lambda e: e.entry_id, reverse=True)


async def home_entries(conn: Conn, viewer: Actor, page: Page) -> list[Entry]:
    rows = await conn.fetch(Q["home_entries"], viewer.id, viewer.uri, *page.keyset)
    return _entries(rows)


async def public_entries(
    conn: Conn,
    page: Page,
    *,
    local_only: bool = False,
    remote_only: bool = False,
    viewer_id: int = 0,
) -> list[Entry]:
    query = Q["public_entries"]
    rows = await conn.fetch(query, *page.keyset, local_only, remote_only, viewer_id)
    return _entries(rows)


@dataclass(frozen=True)
class TagQuery:
    """A tag timeline: the tag, or any of ``any``, with all of ``all`` and none of ``none``."""

    tag: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def arrays(self) -> tuple[str, list[str], list[str], list[str]]:
        return normalize_tag(self.tag), _tags(self.any), _tags(self.all), _tags(self.none)


def normalize_tag(name: str) -> str:
    return name.strip().lstrip("#").lower()


def _tags(names: tuple[str, ...]) -> list[str]:
    return [normalize_tag(n) for n in names if normalize_tag(n)]


async def tag_entries(
    conn: Conn, query: TagQuery, page: Page, *, local_only: bool = False, viewer_id: int = 0
) -> list[Entry]:
    tag, any_of, all_of, none_of = query.arrays()
    rows = await conn.fetch(
        Q["tag_entries"], tag, *page.keyset, local_only, any_of, all_of, none_of, viewer_id
    )
    return _entries(rows)


async def actor_entries(
    conn: Conn, account: Actor, viewer: Actor | None, page: Page, *, exclude_replies: bool = False
) -> list[Entry]:
    follow = await find_follow(conn, viewer.id, account.id) if viewer is not None else None
    follows = follow is not None and follow.accepted
    viewer_id = viewer.id if viewer else 0
    rows = await conn.fetch(
        Q["actor_entries"],
        account.id,
        viewer_id,
        follows,
        *page.keyset,
        exclude_replies,
        account.is_group,
    )
    return _entries(rows)


async def share_entry(conn: Conn, share_id: int) -> Entry | None:
    record = await conn.fetchrow(Q["get_share_entry"], share_id)
    return None if record is None else Entry.from_record(record)


async def thread_of(conn: Conn, post_id: int) -> tuple[list[int], list[int]]:
    """(ancestors oldest first, descendants in order) of a post."""
    ancestors = [r["id"] for r in await conn.fetch(Q["thread_ancestors"], post_id)]
    descendants = [r["id"] for r in await conn.fetch(Q["thread_descendants"], post_id)]
    return ancestors, descendants


async def load_bundle(
    conn: Conn, post_ids: Iterable[int], actor_ids: Iterable[int], viewer_id: int | None
) -> Bundle:
    """Posts with their counts, the accounts they involve, and the actors they mention."""
    bundle = Bundle()
    rows = await conn.fetch(Q["posts_with_stats"], list(set(post_ids)), viewer_id or 0)
    wanted = set(actor_ids)
    mentioned: set[str] = set()
    for row in rows:
        post = Post.from_record(row)
        bundle.posts[post.id] = PostView(
            post,
            row["parent_id"],
            row["parent_author_id"],
            row["replies_count"],
            row["reblogs_count"],
            row["favourites_count"],
            row["favourited"],
            row["reblogged"],
            row["bookmarked"],
            row["muted"],
        )
        wanted.add(post.author_id)
        if row["parent_author_id"] is not None:
            wanted.add(row["parent_author_id"])
        mentioned.update(mention_uris(post.raw))
    for record in await conn.fetch(Q["actor_ids_by_uri"], list(mentioned)):
        bundle.ids_by_uri[record["uri"]] = record["id"]
        wanted.add(record["id"])
    bundle.accounts.update(await load_accounts(conn, wanted))
    bundle.media = await media_of_posts(conn, list(bundle.posts))
    bundle.polls = await polls_of_posts(conn, list(bundle.posts), viewer_id)
    return bundle


async def load_accounts(conn: Conn, actor_ids: Iterable[int]) -> dict[int, AccountView]:
    found: dict[int, AccountView] = {}
    for row in await conn.fetch(Q["actors_with_counts"], list(set(actor_ids))):
        found[row["id"]] = AccountView(
            Actor.from_record(row),
            row["followers_count"],
            row["following_count"],
            row["statuses_count"],
            row["last_status_at"],
            row["user_state"],
            bool(row["is_admin"]),
        )
    return found


def hashtags_of(raw: dict[str, object]) -> list[str]:
    names = [str(t.get("name") or "") for t in tags_of(raw) if t.get("type") == "Hashtag"]
    return [n.lstrip("#") for n in names if n.lstrip("#")]


async def relationships(conn: Conn, viewer_id: int, ids: list[int]) -> dict[int, asyncpg.Record]:
    return {r["id"]: r for r in await conn.fetch(Q["relationships"], viewer_id, ids)}


async def follow_list(
    conn: Conn, account_id: int, page: Page, *, following: bool
) -> list[tuple[int, int]]:
    """(cursor, actor id) of an account's followers (or of those it follows)."""
    rows = await conn.fetch(Q["follow_list"], account_id, following, *page.keyset)
    return sorted(((r["cursor"], r["actor_id"]) for r in rows), reverse=True)


async def search_actor_ids(
    conn: Conn, text: str, limit: int, *, followed_by: int | None = None
) -> list[int]:
    prefix = text.lower().lstrip("@").replace("\\", "").replace("%", "").replace("_", "\\_")
    rows = await conn.fetch(
        Q["search_actors"], prefix, limit, followed_by is not None, followed_by or 0
    )
    return [r["id"] for r in rows]


async def followed_groups(conn: Conn, actor_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["followed_groups"], actor_id))


async def update_profile(
    conn: Conn,
    actor: Actor,
    *,
    name: str | None,
    summary_html: str | None,
    locked: bool | None,
    discoverable: bool | None,
) -> Actor:
    record = await conn.fetchrow(
        Q["update_profile"], actor.id, name, summary_html, locked, discoverable
    )
    assert record is not None
    return Actor.from_record(record)


async def pending_follower_ids(conn: Conn, actor: Actor, limit: int = 80) -> list[int]:
    """Who asks to follow ``actor`` (a locked person), newest first."""
    return [r["follower_id"] for r in await conn.fetch(Q["pending_follower_ids"], actor.id, limit)]
