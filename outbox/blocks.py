"""A person blocks an account, or a whole server: ``Block`` and ``Undo{Block}``.

As Mastodon does (``app/services/block_service.rb``, ``unblock_service.rb`` and
``after_block_domain_from_account_service.rb`` of mastodon/mastodon): a block ends the follows
both ways — one's own follow is undone (``Undo{Follow}``), the other's is refused
(``Reject{Follow}``) — and a remote account's server receives a ``Block`` (Mastodon's
``ActivityPub::BlockSerializer``: ``actor``, and the blocked account as ``object``), so that it
drops its own follows and stops delivering; an unblock sends ``Undo{Block}``. A local account
needs no activity: the block is a row here. A block of a server ends the follows with its
accounts the same way and sends nothing else (Mastodon sends no activity for it).

Every activity of this module is built here and sent through :func:`outbox.sending.send`
inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

import orjson

from community import safety
from community.actors import Actor, find_actor_by_id
from community.errors import InvalidInput
from community.membership import remove_follow
from community.render import AS_CONTEXT
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import respond, unfollow
from outbox.activities import new_activity_uri, now_iso
from outbox.sending import Audience, send


def build_block(urls: Urls, person: Actor, target: Actor) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Block",
        "actor": person.uri,
        "object": target.uri,
        "to": [target.uri],
        "cc": [],
        "published": now_iso(),
    }


def build_undo_block(
    urls: Urls, person: Actor, target: Actor, block_uri: str | None
) -> dict[str, Any]:
    """``Undo`` embedding the ``Block`` it takes back (by the id it was sent with)."""
    block = {
        "id": block_uri or new_activity_uri(urls),
        "type": "Block",
        "actor": person.uri,
        "object": target.uri,
    }
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Undo",
        "actor": person.uri,
        "object": block,
        "to": [target.uri],
        "cc": [],
    }


def _follow_of(uri: str | None, urls: Urls, follower: Actor, followee: Actor) -> dict[str, Any]:
    return {
        "id": uri or new_activity_uri(urls),
        "type": "Follow",
        "actor": follower.uri,
        "object": followee.uri,
    }


async def _send(conn: Conn, person: Actor, activity: dict[str, Any], target: Actor) -> None:
    body = orjson.dumps(activity).decode()
    await send(conn, person, body, audience=Audience(actors=(target,)), public=False)


async def sever(conn: Conn, urls: Urls, person: Actor, other: Actor) -> None:
    """End the follows between ``person`` and ``other``, both ways, telling ``other``'s server."""
    await unfollow(conn, urls, person, other)
    theirs = await remove_follow(conn, other.id, person.id)
    if theirs is not None and not other.local:
        follow = _follow_of(theirs.activity_uri, urls, other, person)
        await respond(conn, urls, person, "Reject", follow, other)


async def block(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    """``person`` blocks ``target`` (again: nothing changes)."""
    if target.id == person.id:
        raise InvalidInput("one cannot block oneself")
    activity = build_block(urls, person, target)
    async with conn.transaction():
        activity_uri = None if target.local else str(activity["id"])
        if not await safety.record_block(conn, person.id, target.id, activity_uri):
            return
        await sever(conn, urls, person, target)
        if not target.local:
            await _send(conn, person, activity, target)


async def unblock(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    async with conn.transaction():
        found = await safety.remove_block(conn, person.id, target.id)
        if found is None or target.local:
            return
        undo = build_undo_block(urls, person, target, found.activity_uri)
        await _send(conn, person, undo, target)


async def block_domain(conn: Conn, urls: Urls, person: Actor, domain: str) -> None:
    """``person`` hides the server ``domain`` (an account domain, see
    :func:`community.safety.account_domain`) and ends their follows with its accounts."""
    if domain == urls.domain:
        raise InvalidInput("one cannot block one's own server")
    async with conn.transaction():
        if not await safety.block_domain(conn, person.id, domain):
            return
        for follow in await safety.follows_with_domain(conn, person.id, domain):
            other_id = follow.followee_id if follow.follower_id == person.id else follow.follower_id
            other = await find_actor_by_id(conn, other_id)
            if other is not None:
                await sever(conn, urls, person, other)
