"""What our people do, as activities: follow, leave, post, reply, delete, like.

Each action writes its effect and its activity in the caller's transaction (the transactional
outbox). Activities for local recipients go through the local inbox queue, so a member of a
local group is handled exactly like a member on another server.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from community.actors import Actor, find_actor_by_id
from community.errors import InvalidInput
from community.html import text_to_html
from community.membership import find_follow, record_follow, remove_follow
from community.posts import Post, delete_post, find_post, store_post
from community.render import AS_CONTEXT, AS_PUBLIC
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities import (
    build_follow,
    build_response,
    build_undo,
    new_activity_uri,
    now_iso,
)
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
        undo = build_undo(urls, person, _follow_of(urls, existing.activity_uri, person, target))
        undo["to"] = [target.uri]
        await _send(conn, person, undo, Audience(actors=(target,)), public=False)


@dataclass(frozen=True)
class Composition:
    """What a Mastodon app adds to a post: its audience, warning, language, mentions, tags."""

    visibility: str = "public"  # public, unlisted, private (followers only) or direct
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    mentions: tuple[Actor, ...] = ()
    hashtags: tuple[str, ...] = ()
    # the text already rendered, with links for mentions and hashtags
    content_html: str | None = None


def _addressing(
    author: Actor, mentioned: list[Actor], visibility: str
) -> tuple[list[str], list[str]]:
    """``to`` and ``cc`` as Mastodon addresses each visibility (public: to Public)."""
    followers = [author.followers_uri] if author.followers_uri else []
    others = [a.uri for a in mentioned]
    if visibility == "unlisted":
        return followers, [AS_PUBLIC, *others]
    if visibility == "private":
        return followers, others
    if visibility == "direct":
        return others, []
    return [AS_PUBLIC], [*followers, *others]


def build_note(
    urls: Urls,
    author: Actor,
    text: str,
    *,
    group: Actor | None,
    parent: Post | None,
    parent_author: Actor | None,
    title: str | None,
    composition: Composition | None = None,
) -> dict[str, Any]:
    """A post or comment addressed as Mastodon and Lemmy both read it (DESIGN.md §4)."""
    comp = composition or Composition()
    mentioned = [group] if group is not None else []
    if parent_author is not None and parent_author.uri != author.uri:
        mentioned.append(parent_author)
    mentioned += [a for a in comp.mentions if a.uri not in {m.uri for m in mentioned}]
    visibility = comp.visibility
    if group is not None and group.manually_approves_followers:
        # a closed group's posts are for its members: addressed to the group alone, never to
        # the public or to the author's followers (DESIGN.md §5)
        visibility = "direct"
    to, cc = _addressing(author, mentioned, visibility)
    tags: list[dict[str, str]] = [
        {"type": "Mention", "href": a.uri, "name": f"@{a.handle}"} for a in mentioned
    ]
    tags += [{"type": "Hashtag", "href": urls.tag_url(t), "name": f"#{t}"} for t in comp.hashtags]
    content = comp.content_html or text_to_html(text)
    note: dict[str, Any] = {
        "id": urls.object_uri(str(uuid.uuid4())),
        "type": "Page" if title and parent is None else "Note",
        "attributedTo": author.uri,
        "content": content,
        "mediaType": "text/html",
        "source": {"content": text, "mediaType": "text/markdown"},
        "to": to,
        "cc": cc,
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
    return _decorate(note, comp)


def _decorate(note: dict[str, Any], comp: Composition) -> dict[str, Any]:
    """A content warning (Mastodon's ``summary`` + ``sensitive``) and the language."""
    if comp.spoiler_text or comp.sensitive:
        note["sensitive"] = True
    if comp.spoiler_text:
        note["summary"] = comp.spoiler_text
    if comp.language:
        note["contentMap"] = {comp.language: note["content"]}
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
    composition: Composition | None = None,
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
                          parent_author=parent_author, title=title,
                          composition=composition)  # fmt: skip
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
        visibility = composition.visibility if composition else "public"
        mentioned = composition.mentions if composition else ()
        recipients = tuple(a for a in (group, parent_author, *mentioned) if a is not None)
        followers_of = None if visibility == "direct" else author
        await _send(conn, author, create, Audience(actors=recipients, followers_of=followers_of),
                    public=visibility in ("public", "unlisted"))  # fmt: skip
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


async def like(conn: Conn, urls: Urls, person: Actor, post: Post, kind: str = "Like") -> str:
    """Like (or dislike) a post; the activity's id."""
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
    return str(activity["id"])


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
        follow_activity = _follow_of(urls, pending.activity_uri, follower, group)
        kind = "Accept" if approve else "Reject"
        await respond(conn, urls, group, kind, follow_activity, follower)


async def respond(
    conn: Conn,
    urls: Urls,
    actor: Actor,
    kind: str,
    activity: dict[str, Any],
    to: Actor,
    summary: str | None = None,
) -> None:
    """``Accept`` or ``Reject`` of ``activity`` (embedded, as Lemmy requires) sent to ``to``."""
    response = build_response(urls, actor, kind, activity, to.uri)
    if summary:
        response["summary"] = summary
    await _send(conn, actor, response, Audience(actors=(to,)), public=False)


def _follow_of(
    urls: Urls, activity_uri: str | None, follower: Actor, followee: Actor
) -> dict[str, Any]:
    """The Follow a stored follow stands for (as the follower's server knows it by its id)."""
    return {
        "id": activity_uri or new_activity_uri(urls),
        "type": "Follow",
        "actor": follower.uri,
        "object": followee.uri,
    }
