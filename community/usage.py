"""How much this server is used, as NodeInfo and the client API's instance entity tell it."""

from __future__ import annotations

from dataclasses import dataclass

from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")


@dataclass(frozen=True)
class Usage:
    """Active people (all, and active in the last month and half-year) and local content."""

    users: int
    active_month: int
    active_halfyear: int
    local_posts: int
    local_groups: int


async def read_usage(conn: Conn) -> Usage:
    users = await conn.fetchrow(Q["count_users"])
    content = await conn.fetchrow(Q["count_local_content"])
    assert users is not None
    assert content is not None
    return Usage(
        users=users["total"],
        active_month=users["active_month"],
        active_halfyear=users["active_halfyear"],
        local_posts=content["posts"],
        local_groups=content["groups"],
    )
