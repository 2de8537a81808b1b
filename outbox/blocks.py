"""A person blocks an account, or a whole server: ``Block`` and ``Undo{Block}``.

As Mastodon does (``app/services/block_service.rb``, ``unblock_service.rb`` and
``after_block_domain_from_account_service.rb`` of mastodon/mastodon): a block ends the follows
both ways — one's own follow is undone (``Undo{Follow}``), the other's is refused
(``Reject{Follow}``) — and a remote account's server receives a ``Block`` (Mastodon's
``ActivityPub::BlockSerializer``: ``actor``, and the blocked account as ``object``), so that it
drops its own follows and stops delivering; an unblock sends ``Undo{Block}``. A local account
needs no activity: the block is a row here. A block of a server ends the follows with its
accounts the same way and sends nothing else (Mastodon sends no activity for it).

Its activities are built in :mod:`outbox.activities` and sent through :func:`outbox.send.send`
inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from community import safety
from community.actors import Actor, find_actor_by_id
from community.errors import InvalidInput
from community.membership import remove_follow
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import respond, unfollow
from outbox.activities import build_block, build_undo, stored_activity
from outbox.send import Audience, Outgoing, send


async def _send(conn: Conn, person: Actor, activity: dict[str, Any], target: Actor) -> None:
    await send(conn, person, Outgoing.of(activity), Audience(actors=(target,), listed=False))


async def sever(conn: Conn, urls: Urls, person: Actor, other: Actor) -> None:
    """End the follows between ``person`` and ``other``, both ways, telling ``other``'s server."""
    await unfollow(conn, urls, person, other)
    theirs = await remove_follow(conn, other.id, person.id)
    if theirs is not None and not other.local:
        follow = stored_activity(urls, theirs.activity_uri, "Follow", other, person.uri)
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
        block = stored_activity(urls, found.activity_uri, "Block", person, target.uri)
        undo = build_undo(urls, person, block, to=[target.uri], cc=[])
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
