"""Local groups (communities): creation, moderators, the demo community."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from community.actors import Actor, Profile, create_local_actor, find_local_actor
from community.errors import InvalidInput
from community.governance import add_moderator
from community.storage.database import Conn
from community.urls import Urls

DEMO_GROUP = "welcome"


async def create_group(
    conn: Conn,
    urls: Urls,
    username: str,
    *,
    moderators: Sequence[Actor] = (),
    **profile: Unpack[Profile],
) -> Actor:
    """Create a group (named ``username`` when the profile gives no name), moderated by
    ``moderators`` (all equal: there is no owner above them)."""
    for moderator in moderators:
        if not moderator.local or moderator.type != "Person":
            raise InvalidInput(f"{moderator.handle} is not a local person")
    profile["name"] = profile.get("name") or username
    async with conn.transaction():
        group = await create_local_actor(conn, urls, "Group", username, **profile)
        for moderator in moderators:
            await add_moderator(conn, group, moderator)
    return group


async def ensure_demo_group(conn: Conn, urls: Urls) -> Actor:
    """The demo community ``welcome`` that `make run` creates on first start."""
    existing = await find_local_actor(conn, DEMO_GROUP)
    if existing is not None:
        return existing
    return await create_group(
        conn,
        urls,
        DEMO_GROUP,
        name="Welcome",
        summary="<p>A first community to try this server with. Follow it from any fediverse "
        "account and mention it to post here.</p>",
    )
