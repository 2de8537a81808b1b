"""Local groups (communities): creation (by the admin, or by a member under the server's rule,
``FEDIVERSE_GROUP_CREATION``), its first moderators, the demo community."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from community.accounts import is_admin
from community.actors import (
    Actor,
    Profile,
    create_local_actor,
    find_actor_by_id,
    find_local_actor,
)
from community.errors import InvalidInput, NameTaken
from community.governance import (
    GroupRequest,
    add_moderator,
    request_group,
    take_group_request,
)
from community.names import validate_name
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


async def found_group(
    conn: Conn,
    urls: Urls,
    rule: str,
    creator: Actor,
    username: str,
    **profile: Unpack[Profile],
) -> Actor | GroupRequest:
    """A member creates a community by the server's rule (``FEDIVERSE_GROUP_CREATION``):
    ``anyone`` at once, ``approval`` once an admin approves (the request is returned), or
    ``admins`` only. Its creator is its first moderator; administrators always may."""
    admin = await is_admin(conn, creator)
    if rule == "admins" and not admin:
        raise InvalidInput("only administrators create communities on this server")
    if rule == "approval" and not admin:
        validate_name(username)
        if await find_local_actor(conn, username) is not None:
            raise NameTaken(username)
        request = await request_group(conn, username, creator, profile)
        if request is None:
            raise InvalidInput(f"a community named {username!r} is already asked for")
        return request
    return await create_group(conn, urls, username, moderators=[creator], **profile)


async def answer_group_request(
    conn: Conn, urls: Urls, username: str, *, approve: bool
) -> Actor | None:
    """An admin answers a request to create a community: created as its requester asked
    (title, summary, closed, who may post, who may read; its requester its first moderator),
    or refused (None)."""
    async with conn.transaction():
        request = await take_group_request(conn, username)
        if request is None:
            raise InvalidInput(f"no one asked to create a community named {username!r}")
        if not approve:
            return None
        requester = await find_actor_by_id(conn, request.requester_id)
        moderators = [requester] if requester is not None else []
        return await create_group(
            conn,
            urls,
            request.username,
            moderators=moderators,
            name=request.title or request.username,
            summary=request.summary,
            closed=request.closed,
            posting_policy=request.posting_policy,
            visibility=request.visibility,
        )
