"""What members do from the web pages, through the same functions as the client API and the
CLI: the pages' only calls into :mod:`outbox` (one module, so that changes of those
functions' names and arguments have one place to land).

Each function takes the connection and the acting person and does one act in its own
transaction; what the outbox refuses comes back as :class:`~community.errors.InvalidInput`.
"""

from __future__ import annotations

from community.actors import Actor
from community.markdown import render_markdown
from community.media import media_of_posts
from community.posts import Post
from community.statuses import update_profile
from community.storage.database import Conn
from community.urls import Urls
from outbox import actions, edits, reactions
from outbox.activities import Composition
from outbox.votes import VoteKind, vote

MAX_TITLE_LENGTH = 200


async def join(conn: Conn, urls: Urls, person: Actor, group: Actor) -> None:
    """Follow ``group`` (here or elsewhere): it accepts, or its moderators decide."""
    await actions.follow(conn, urls, person, group)


async def leave(conn: Conn, urls: Urls, person: Actor, group: Actor) -> None:
    await actions.unfollow(conn, urls, person, group)


async def start_thread(
    conn: Conn, urls: Urls, person: Actor, group: Actor, title: str, body: str
) -> Post:
    """A new thread in ``group``: a title, and a body in Markdown."""
    composition = Composition(content_html=render_markdown(body))
    return await actions.publish(
        conn, urls, person, body, group=group, title=title, composition=composition
    )


async def reply(conn: Conn, urls: Urls, person: Actor, parent: Post, body: str) -> Post:
    """A comment under ``parent`` (it stays in its thread's community)."""
    composition = Composition(content_html=render_markdown(body))
    return await actions.publish(
        conn, urls, person, body, in_reply_to=parent.uri, composition=composition
    )


async def edit_own(conn: Conn, urls: Urls, person: Actor, post: Post, body: str) -> Post:
    """A new text (Markdown) for one's own post, as the client API's edit: its title, audience,
    content warning, language and attachments stay; the old version goes to its history."""
    carried = (await media_of_posts(conn, [post.id])).get(post.id, [])
    composition = Composition(
        visibility=edits.visibility_of(post),
        spoiler_text=post.summary or "",
        sensitive=post.sensitive,
        language=post.language,
        content_html=render_markdown(body),
        media=tuple(carried),
    )
    return await edits.edit(conn, urls, person, post, body, composition)


async def delete_own(conn: Conn, urls: Urls, person: Actor, post: Post) -> None:
    await actions.delete(conn, urls, person, post)


async def cast_vote(
    conn: Conn, urls: Urls, person: Actor, post: Post, kind: VoteKind | None
) -> None:
    await vote(conn, urls, person, post, kind)


async def change_profile(
    conn: Conn, urls: Urls, person: Actor, display_name: str, bio_html: str
) -> Actor:
    """A new display name and bio, told to followers (an ``Update`` of the actor)."""
    async with conn.transaction():
        updated = await update_profile(
            conn, person, name=display_name, summary_html=bio_html, locked=None, discoverable=None
        )
        await reactions.announce_profile(conn, urls, updated)
    return updated
