"""A member edits their post: the new version is kept (the old one goes to the post's history)
and sent as an ``Update`` with ``updated``, to everyone the ``Create`` went to.

The note is built again as a new post would be (addressing, mentions, tags, attachments),
keeping what makes it the same post: its id, ``url``, ``published``, thread, group and title.
A post in one of our groups reaches the group through the local inbox, and the group
announces the ``Update`` to its followers as it does an edit from elsewhere
(:mod:`inbox.handlers.update`, :mod:`inbox.dispatch`).
"""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_id
from community.audience import Requested
from community.errors import InvalidInput
from community.media import attach
from community.posts import Post, find_post, update_post
from community.storage.database import Conn
from community.urls import Urls
from outbox.actions import check_text, composed_note
from outbox.activities import Composition, build_update, now_iso
from outbox.send import Audience, Outgoing, send

# The fields of a poll, kept through an edit of its text.
POLL_FIELDS = ("oneOf", "anyOf", "endTime", "closed", "votersCount")
#: Our stored visibilities → what Mastodon's apps ask for (a members-only post stays in its
#: community: :func:`community.audience.compose` decides that again for the edit).
VISIBILITY: dict[str, Requested] = {
    "public": "public",
    "unlisted": "unlisted",
    "followers": "private",
    "members": "private",
    "direct": "direct",
}


async def edit(
    conn: Conn,
    urls: Urls,
    author: Actor,
    post: Post,
    text: str,
    comp: Composition,
    *,
    group: Actor | None = None,
) -> Post:
    """``post`` as ``author`` rewrote it; its attachments become ``comp.media``. The post's
    group hears of it (else ``group``, one the new text mentions, as a new post would go)."""
    if post.author_id != author.id or post.deleted_at is not None:
        raise InvalidInput("only the author may edit a post")
    if comp.poll is not None:
        raise InvalidInput("a poll's options cannot be edited here")
    check_text(text, comp)
    async with conn.transaction():
        if post.group_id is not None:
            group = await find_actor_by_id(conn, post.group_id)
        parent = await find_post(conn, post.in_reply_to_uri) if post.in_reply_to_uri else None
        parent_author = await find_actor_by_id(conn, parent.author_id) if parent else None
        note, audience = composed_note(
            urls,
            author,
            text,
            comp,
            group=group,
            parent=parent,
            parent_author=parent_author,
            title=_title(post),
        )
        note = _same_post(note, post)
        edited = await update_post(conn, post, note)
        if edited is None:
            raise InvalidInput("the post is gone")
        await attach(conn, post.id, author, comp.media)
        deliveries = Audience(
            actors=audience.recipients,
            followers_of=author if audience.to_followers else None,
            listed=False,
        )
        await send(conn, author, Outgoing.of(build_update(urls, author, note)), deliveries)
    return edited


def visibility_of(post: Post) -> Requested:
    """The Mastodon visibility an edit keeps."""
    return VISIBILITY.get(post.visibility, "direct")


def _title(post: Post) -> str | None:
    name = post.raw.get("name")
    return name if isinstance(name, str) and post.type in ("Page", "Article") else None


def _same_post(note: dict[str, Any], post: Post) -> dict[str, Any]:
    """The rebuilt note under the post's own id and dates, its poll (if any) kept."""
    note.update(
        id=post.uri,
        url=post.raw.get("url") or post.uri,
        published=post.raw.get("published") or note["published"],
        updated=now_iso(),
    )
    if post.type == "Question":
        note["type"] = "Question"
        note.update({k: post.raw[k] for k in POLL_FIELDS if k in post.raw})
    return note
