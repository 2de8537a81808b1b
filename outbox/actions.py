"""What our people do, as activities: follow, leave, post, reply, delete, like.

Each action writes its effect and its activity in the caller's transaction (the transactional
outbox). Activities for local recipients go through the local inbox queue, so a member of a
local group is handled exactly like a member on another server.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from fediverse.activities import (
    build_follow,
    build_response,
    build_undo,
    new_activity_uri,
    now_iso,
)
from fediverse.actors import Actor, find_actor_by_id
from fediverse.errors import InvalidInput
from fediverse.html import text_to_html
from fediverse.membership import find_follow, record_follow, remove_follow
from fediverse.posts import Post, delete_post, find_post, store_post
from fediverse.render import AS_CONTEXT, AS_PUBLIC
from fediverse.storage.database import Conn
from fediverse.urls import Urls
from outbox.sending import Audience, send

MAX_POST_LENGTH = 5000


async def follow(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    """Ask to follow (join) ``target``; it answers with Accept or Reject."""
    if target.id == person.id:
        raise InvalidInput("one cannot follow oneself")
    activity = build_follow(urls, person, target.uri)
    async with conn.transaction():
        existing = await find_follow(conn, person.id, target.id)
        if existing is not None and existing.accepted:
            return
        await record_follow(conn, person, target, activity["id"], accepted=False)
        await _send(conn, person, activity, Audience(actors=(target,)), public=False)


async def unfollow(conn: Conn, urls: Urls, person: Actor, target: Actor) -> None:
    async with conn.transaction():
        existing = await remove_follow(conn, person.id, target.id)
        if existing is None:
            return
        follow_activity = {
            "id": existing.activity_uri or new_activity_uri(urls),
            "type": "Follow",
            "actor": person.uri,
            "object": target.uri,
        }
        undo = build_undo(urls, person, follow_activity)
        undo["to"] = [target.uri]
        await _send(conn, person, undo, Audience(actors=(target,)), public=False)


def build_note(
    urls: Urls,
    author: Actor,
    text: str,
    *,
    group: Actor | None,
    parent: Post | None,
    parent_author: Actor | None,
    title: str | None,
) -> dict[str, Any]:
    """A post or comment addressed as Mastodon and Lemmy both read it (DESIGN.md §4)."""
    to: list[str] = [AS_PUBLIC]
    cc: list[str] = [author.followers_uri or ""]
    tags: list[dict[str, str]] = []
    if group is not None:
        cc.append(group.uri)
        tags.append({"type": "Mention", "href": group.uri, "name": f"@{group.handle}"})
    if parent_author is not None and parent_author.uri != author.uri:
        cc.append(parent_author.uri)
        tags.append(
            {"type": "Mention", "href": parent_author.uri, "name": f"@{parent_author.handle}"}
        )
    note: dict[str, Any] = {
        "id": urls.object_uri(str(uuid.uuid4())),
        "type": "Page" if title and parent is None else "Note",
        "attributedTo": author.uri,
        "content": text_to_html(text),
        "mediaType": "text/html",
        "source": {"content": text, "mediaType": "text/markdown"},
        "to": to,
        "cc": [c for c in cc if c],
        "tag": tags,
        "published": now_iso(),
    }
    if title:
        note["name"] = title
    if group is not None:
        note["audience"] = group.uri
    if parent is not None:
        note["inReplyTo"] = parent.uri
    note["url"] = note["id"]
    return note


async def publish(
    conn: Conn,
    urls: Urls,
    author: Actor,
    text: str,
    *,
    group: Actor | None = None,
    in_reply_to: str | None = None,
    title: str | None = None,
) -> Post:
    """Post (to a group, when given) or reply; the group's own rules decide on arrival."""
    if not text.strip():
        raise InvalidInput("a post needs some text")
    if len(text) > MAX_POST_LENGTH:
        raise InvalidInput(f"a post may be at most {MAX_POST_LENGTH} characters")
    async with conn.transaction():
        parent = await find_post(conn, in_reply_to) if in_reply_to else None
        if in_reply_to and parent is None:
            raise InvalidInput(f"no post {in_reply_to} here to reply to")
        parent_author = await find_actor_by_id(conn, parent.author_id) if parent else None
        if group is None and parent is not None and parent.group_id is not None:
            group = await find_actor_by_id(conn, parent.group_id)
        note = build_note(urls, author, text, group=group, parent=parent,
                          parent_author=parent_author, title=title)  # fmt: skip
        remote_group = group if group is not None and not group.local else None
        post, _ = await store_post(conn, note, author, remote_group, local=True)
        create = {
            "@context": AS_CONTEXT,
            "id": new_activity_uri(urls),
            "type": "Create",
            "actor": author.uri,
            "object": note,
            "to": note["to"],
            "cc": note["cc"],
            "published": note["published"],
        }
        recipients = tuple(a for a in (group, parent_author) if a is not None)
        await _send(conn, author, create,
                    Audience(actors=recipients, followers_of=author), public=True)  # fmt: skip
    return post


async def delete(conn: Conn, urls: Urls, author: Actor, post: Post) -> None:
    if post.author_id != author.id:
        raise InvalidInput("only the author may delete a post")
    async with conn.transaction():
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        await delete_post(conn, post, author.uri)
        activity = {
            "@context": AS_CONTEXT,
            "id": new_activity_uri(urls),
            "type": "Delete",
            "actor": author.uri,
            "object": {"id": post.uri, "type": "Tombstone"},
            "to": [AS_PUBLIC],
            "cc": [c for c in (author.followers_uri, group.uri if group else None) if c],
        }
        recipients = (group,) if group is not None else ()
        await _send(conn, author, activity,
                    Audience(actors=recipients, followers_of=author), public=True)  # fmt: skip


async def like(conn: Conn, urls: Urls, person: Actor, post: Post, kind: str = "Like") -> None:
    async with conn.transaction():
        group = await find_actor_by_id(conn, post.group_id) if post.group_id else None
        author = await find_actor_by_id(conn, post.author_id)
        activity = {
            "@context": AS_CONTEXT,
            "id": new_activity_uri(urls),
            "type": kind,
            "actor": person.uri,
            "object": post.uri,
            "to": [a.uri for a in (group, author) if a is not None],
            "cc": [AS_PUBLIC],
        }
        recipients = tuple(a for a in (group, author) if a is not None)
        await _send(conn, person, activity, Audience(actors=recipients), public=False)


async def _send(
    conn: Conn, sender: Actor, activity: dict[str, Any], audience: Audience, *, public: bool
) -> None:
    await send(
        conn, sender, orjson.dumps(activity).decode(), audience=audience, public=public,
    )  # fmt: skip


def _object_uri(activity: dict[str, Any]) -> str | None:
    obj = activity.get("object")
    return obj if isinstance(obj, str) else obj.get("id") if isinstance(obj, dict) else None


async def answer_request(
    conn: Conn, urls: Urls, group: Actor, follower: Actor, *, approve: bool
) -> None:
    """A moderator approves or rejects a pending request to join a closed group."""
    async with conn.transaction():
        pending = await find_follow(conn, follower.id, group.id)
        if pending is None or pending.accepted:
            raise InvalidInput(f"{follower.handle} has no pending request to join")
        if approve:
            await record_follow(conn, follower, group, pending.activity_uri, accepted=True)
        else:
            await remove_follow(conn, follower.id, group.id)
        follow_activity = {
            "id": pending.activity_uri or new_activity_uri(urls),
            "type": "Follow",
            "actor": follower.uri,
            "object": group.uri,
        }
        kind = "Accept" if approve else "Reject"
        response = build_response(urls, group, kind, follow_activity, follower.uri)
        await _send(conn, group, response, Audience(actors=(follower,)), public=False)
