"""``remove_post`` / ``restore_post``, ``lock`` / ``unlock``, ``pin`` / ``unpin``: what
moderators do to posts and comments (no quorum).

* A removal is the moderator's ``Delete`` with the reason (FEP-1b12 followers get it wrapped);
  microblog followers get ``Undo{Announce}`` of the group's boost of a removed thread, so it
  leaves Mastodon timelines (as NodeBB does). The post's content is kept: a restore
  (``Undo{Delete}``) brings it back, and the group boosts the thread again.
* A lock (``Lock`` / ``Undo{Lock}``, Lemmy's) makes the group refuse replies under the post.
* A pin (``Add`` / ``Remove`` with ``target`` = ``featured``) changes the group's featured
  collection; the group sends the same change in its own name to microblog followers.
"""

from __future__ import annotations

from typing import Any

from community.moderation import last_logged_act, mark_removed, set_locked, unmark_removed
from community.posts import Post, set_pinned
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.moderation import (
    build_feature,
    build_lock,
    build_removal,
    build_undo_act,
)
from outbox.errors import ActRefused
from outbox.governance.kinds.common import here, post_named
from outbox.governance.model import Act, Applying, Distribution, Kind
from outbox.governance.registry import register
from outbox.send import Audience, Outgoing


def _refuse(message: str) -> ActRefused:
    return ActRefused("invalid", message)


def _thread(post: Post) -> tuple[str, ...]:
    """What microblogs saw of a post: the group boosts threads only."""
    return (post.uri,) if post.is_top_level else ()


async def _undone(
    conn: Conn, act: Act, post: Post, kind: str, fallback: dict[str, Any]
) -> dict[str, Any]:
    """The act an undo undoes, as logged (its object by id again), or ``fallback``."""
    logged = await last_logged_act(conn, act.group, kind, post.uri)
    if logged is None:
        return fallback
    undone = {k: v for k, v in logged.items() if k != "proposal"}
    undone["object"] = post.uri
    return undone


async def build_remove(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if here(act) and post.deleted_at is not None:
        raise _refuse(f"{post.uri} is already removed or deleted")
    return build_removal(urls, act.by, act.group, post.uri, act.reason)


async def apply_remove(applying: Applying) -> Distribution:
    post = await post_named(applying.conn, applying.act)
    await mark_removed(applying.conn, post, applying.act.reason)
    return Distribution(unboost=_thread(post))


async def build_restore(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if here(act) and post.removed_at is None:
        raise _refuse(f"{post.uri} was not removed by a moderator")
    removal = build_removal(urls, act.by, act.group, post.uri, post.removal_reason)
    undone = await _undone(conn, act, post, "remove_post", removal)
    return build_undo_act(urls, act.by, act.group, undone, act.reason)


async def apply_restore(applying: Applying) -> Distribution:
    post = await post_named(applying.conn, applying.act)
    await unmark_removed(applying.conn, post)
    return Distribution(boost=_thread(post))


async def build_lock_post(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if here(act) and post.locked:
        raise _refuse(f"{post.uri} is already locked")
    return build_lock(urls, act.by, act.group, post.uri, act.reason)


async def apply_lock(applying: Applying) -> Distribution:
    await set_locked(applying.conn, await post_named(applying.conn, applying.act), True)
    return Distribution()


async def build_unlock(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if here(act) and not post.locked:
        raise _refuse(f"{post.uri} is not locked")
    lock = build_lock(urls, act.by, act.group, post.uri, "")
    undone = await _undone(conn, act, post, "lock", lock)
    return build_undo_act(urls, act.by, act.group, undone, act.reason)


async def apply_unlock(applying: Applying) -> Distribution:
    await set_locked(applying.conn, await post_named(applying.conn, applying.act), False)
    return Distribution()


async def build_pin(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if not post.is_top_level or post.deleted_at is not None:
        raise _refuse("only a thread that is shown can be pinned")
    if here(act) and post.pinned:
        raise _refuse(f"{post.uri} is already pinned")
    return build_feature(urls, act.by, act.group, post.uri, pinned=True)


async def build_unpin(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    post = await post_named(conn, act)
    if here(act) and not post.pinned:
        raise _refuse(f"{post.uri} is not pinned")
    return build_feature(urls, act.by, act.group, post.uri, pinned=False)


async def _feature(applying: Applying, *, pinned: bool) -> Distribution:
    group = applying.act.group
    post = await post_named(applying.conn, applying.act)
    await set_pinned(applying.conn, post.uri, group, pinned)
    own = build_feature(applying.urls, group, group, post.uri, pinned=pinned)
    microblogs = Audience(followers_of=group, family="microblog", listed=False)
    return Distribution(sends=((Outgoing.of(own), microblogs),))


async def apply_pin(applying: Applying) -> Distribution:
    return await _feature(applying, pinned=True)


async def apply_unpin(applying: Applying) -> Distribution:
    return await _feature(applying, pinned=False)


REMOVE_POST = register(Kind("remove_post", False, build_remove, apply_remove))
RESTORE_POST = register(Kind("restore_post", False, build_restore, apply_restore))
LOCK = register(Kind("lock", False, build_lock_post, apply_lock))
UNLOCK = register(Kind("unlock", False, build_unlock, apply_unlock))
PIN = register(Kind("pin", False, build_pin, apply_pin))
UNPIN = register(Kind("unpin", False, build_unpin, apply_unpin))
