"""``move`` ``{target}``: the community moves to another group (it needs the moderators'
quorum: moving could capture a community).

The new group must already list this one in ``alsoKnownAs`` (an import of its archive there
does; the surface fetches the new group fresh before it submits, and the act is refused with
the reason otherwise). Once applied, the old group:

* is marked ``movedTo`` the new one, and from then on refuses posts and members with a reason
  that names the new address;
* sends its own ``Update`` (its actor now with ``movedTo``) and then ``Move`` (``actor`` =
  ``object`` = itself, ``target`` = the new group) to its followers, in Mastodon's order
  (``app/services/move_service.rb``: ``distribute_update!``, ``distribute_move!``);
* posts and pins a "we moved" thread, announced to FEP-1b12 followers (Lemmy-family software
  ignores actor moves: ``Announce{Create}`` is what they read) and boosted to microblogs.

The act itself (the log's item) is the moderator's ``Move`` of the group.
"""

from __future__ import annotations

from typing import Any

import orjson

from community.actors import Actor, find_actor_by_id, find_actor_by_uri, get_local_key
from community.governance import moderators_of
from community.portability.moves import mark_moved
from community.posts import record_share, set_pinned, store_post
from community.render import render_actor
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import build_create
from outbox.activities.moderation import build_self_update
from outbox.activities.moves import build_move, build_move_act, build_moved_thread
from outbox.errors import ActRefused
from outbox.governance.kinds.common import param
from outbox.governance.model import Act, Applying, Distribution, Kind, Wrapped
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing


async def target_of(conn: Conn, act: Act) -> Actor:
    """The group the act moves to, once the move can be made (refused with the reason)."""
    group = await find_actor_by_id(conn, act.group.id) or act.group
    if not group.local:
        raise ActRefused("invalid", f"{group.handle} moves from its own server")
    if group.moved_to_uri is not None:
        raise ActRefused("closed", f"{group.handle} moved to {group.moved_to_uri} already")
    uri = str(param(act, "target"))
    target = await find_actor_by_uri(conn, uri)
    if target is None or not target.is_group or target.deleted_at is not None:
        raise ActRefused("not_found", f"no community {uri} known here")
    if target.id == group.id:
        raise ActRefused("invalid", "a community cannot move to itself")
    if group.uri not in target.also_known_as:
        raise ActRefused(
            "invalid",
            f"{target.handle} does not list {group.uri} in alsoKnownAs: import this "
            "community's archive there first (or add the alias there)",
        )
    return target


async def build(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    target = await target_of(conn, act)
    return build_move_act(urls, act.by, act.group, target.uri, act.reason)


async def _author(conn: Conn, act: Act, group: Actor) -> Actor:
    """Who posts the "we moved" thread: the moderator who moved it; for an admin's act a
    moderator here; else the group itself (Lemmy takes posts by people only)."""
    if act.by.local and act.by.type == "Person":
        return act.by
    here = [m for m in await moderators_of(conn, group) if m.local and m.type == "Person"]
    return here[0] if here else group


async def _moved_thread(applying: Applying, group: Actor, target: Actor) -> tuple[str, Wrapped]:
    """The pinned thread, stored in the group; its id, and its ``Create`` to announce."""
    conn, urls = applying.conn, applying.urls
    author = await _author(conn, applying.act, group)
    thread = build_moved_thread(urls, author, group, target)
    post, _ = await store_post(conn, thread, author, group, local=True)
    await record_share(conn, post, group, None)
    await set_pinned(conn, post.uri, group, True)
    create = build_create(urls, author, thread)
    return post.uri, Wrapped(orjson.dumps(create).decode(), str(create["id"]))


async def apply(applying: Applying) -> Distribution:
    conn, urls = applying.conn, applying.urls
    target = await target_of(conn, applying.act)
    group = await mark_moved(conn, applying.act.group, target.uri)
    thread_uri, wrapped = await _moved_thread(applying, group, target)
    key = await get_local_key(conn, group)
    update = build_self_update(urls, group, render_actor(group, key.public_key_pem))
    move = build_move(urls, group, target.uri)
    followers = Audience(followers_of=group, listed=True)
    microblogs = Audience(followers_of=group, family="microblog", listed=False)
    return Distribution(
        wrapped=wrapped,
        boost=(thread_uri,),
        sends=((Outgoing.of(update), microblogs), (Outgoing.of(move), followers)),
    )


MOVE = register(Kind("move", needs_quorum=True, build=build, apply=apply))
