"""What the web pages read besides threads: the communities here, where a viewer stands in a
group, its moderators, actors by handle, a person's posts and notifications.

Read models only (no writes): each function is one query, so a page costs the same number of
queries however large the community.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from community.actors import Actor
from community.audience import page_may_show
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

_NEWEST = 2**63 - 1
MAX_COMMUNITIES = 200


@dataclass(frozen=True)
class CommunitySummary(Row):
    id: int
    username: str
    domain: str
    name: str
    summary: str
    local: bool
    followers_count: int
    manually_approves_followers: bool
    last_activity_at: datetime | None


async def local_communities(conn: Conn, limit: int = MAX_COMMUNITIES) -> list[CommunitySummary]:
    """The communities here, biggest first, with when each was last active."""
    return [
        CommunitySummary.from_record(r) for r in await conn.fetch(Q["local_communities"], limit)
    ]


@dataclass(frozen=True)
class Standing(Row):
    """Where a viewer stands in a group: member (or asking), moderator, banned; and whether
    they administer this server (an admin may moderate any community here)."""

    follow_state: str | None = None
    moderator: bool = False
    banned: bool = False
    admin: bool = False

    @property
    def member(self) -> bool:
        return self.follow_state == "accepted"

    @property
    def pending(self) -> bool:
        return self.follow_state == "pending"

    def moderates(self, group: Actor) -> bool:
        """Whether the viewer may act on ``group``'s posts: a moderator, or (a community
        here) an administrator. The act itself decides (:mod:`outbox.moderation`)."""
        return self.moderator or (self.admin and group.local)


NOBODY = Standing()


async def viewer_standing(conn: Conn, group: Actor, viewer: Actor | None) -> Standing:
    if viewer is None:
        return NOBODY
    found = await fetch_row(conn, Standing, Q["viewer_standing"], group.id, viewer.id)
    return found or NOBODY


def may_read_members_only(group: Actor, standing: Standing) -> bool:
    """Whether the posts a private group addresses to its members may be shown (DESIGN.md §5:
    never to anyone outside; a banned member is outside)."""
    return standing.moderator or (standing.member and not standing.banned)


def may_see(
    visibility: str, author_id: int, group: Actor | None, standing: Standing, viewer_id: int
) -> bool:
    """Whether a page may show a post to its viewer (:func:`community.audience.page_may_show`,
    the one rule)."""
    in_group = group is not None and may_read_members_only(group, standing)
    return page_may_show(visibility, author_id, viewer_id, in_group)


async def find_actor_by_handle(conn: Conn, username: str, domain: str) -> Actor | None:
    """A person or group by ``name@host``, as far as this server knows it (no fetching)."""
    return await fetch_row(conn, Actor, Q["actor_by_handle"], username, domain)


@dataclass(frozen=True)
class AuthoredPost(Row):
    """One of a person's public posts or comments, with the community it is in."""

    id: int
    uri: str
    local: bool
    title: str
    published: datetime
    updated: datetime | None
    in_reply_to_uri: str | None
    replies_count: int
    score: int
    content_html: str
    group_username: str | None
    group_domain: str | None
    group_name: str | None
    group_local: bool | None


async def posts_by_author(
    conn: Conn, author: Actor, before: int | None = None, limit: int = 20
) -> list[AuthoredPost]:
    rows = await conn.fetch(Q["posts_by_author"], author.id, before or _NEWEST, limit)
    return [AuthoredPost.from_record(r) for r in rows]


@dataclass(frozen=True)
class NotificationView(Row):
    id: int
    kind: str
    created_at: datetime
    from_username: str
    from_domain: str
    from_name: str
    from_local: bool
    post_id: int | None
    post_uri: str | None
    post_local: bool | None
    post_title: str | None
    post_content_html: str | None


async def notifications_page(
    conn: Conn, person: Actor, before: int | None = None, limit: int = 30
) -> list[NotificationView]:
    rows = await conn.fetch(Q["notifications_page"], person.id, before or _NEWEST, limit)
    return [NotificationView.from_record(r) for r in rows]


@dataclass(frozen=True)
class FeedEntry(Row):
    id: int
    uri: str
    url: str | None
    local: bool
    title: str
    content_html: str
    published: datetime
    updated: datetime | None
    author_username: str
    author_domain: str
    author_name: str
    author_uri: str
    author_url: str | None
    author_local: bool


async def feed_entries(conn: Conn, group: Actor, limit: int = 20) -> list[FeedEntry]:
    """A community's newest public threads, for its Atom feed."""
    return [FeedEntry.from_record(r) for r in await conn.fetch(Q["feed_threads"], group.id, limit)]


async def actors_by_ids(conn: Conn, actor_ids: list[int]) -> list[Actor]:
    """The people and groups of ``actor_ids``, in that order (those still there)."""
    found = {r["id"]: Actor.from_record(r) for r in await conn.fetch(Q["actors_by_ids"], actor_ids)}
    return [found[i] for i in actor_ids if i in found]
