"""``/api/v1/conversations`` (docs.joinmastodon.org/methods/conversations): one's direct
messages, a conversation per thread, and ``POST /api/v1/statuses/:id/mute|unmute`` (no more
mentions from a thread; the status shows ``muted``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import conversations as talks
from community.actors import Actor
from community.audience import mention_uris
from community.conversations import Conversation
from community.posts import Post
from community.statuses import Bundle, Entry, load_bundle
from community.storage.database import Conn
from fediverse.api.auth import require
from fediverse.api.common import answer, entry_of, path_id, render_entries, visible_post
from fediverse.api.entities import JSON, render_account, render_entry
from fediverse.api.errors import not_found
from fediverse.api.params import link_header, read_page, read_params
from fediverse.web.state import context


def _participants(post: Post, bundle: Bundle, viewer_id: int) -> list[int]:
    """The other people of the latest post (its author and those it names), as Mastodon's
    ``AccountConversation#participant_accounts``: oneself when there is nobody else."""
    named = [bundle.ids_by_uri.get(uri) for uri in mention_uris(post.raw)]
    ids = [post.author_id, *(i for i in named if i is not None)]
    others = [i for i in dict.fromkeys(ids) if i != viewer_id and i in bundle.accounts]
    return others or [viewer_id]


async def _render(
    request: Request, conn: Conn, found: list[Conversation], viewer: Actor
) -> list[JSON]:
    posts = [c.last_post_id for c in found]
    bundle = await load_bundle(conn, posts, [viewer.id], viewer.id)
    urls = context(request).urls
    rendered = []
    for talk in found:
        view = bundle.posts.get(talk.last_post_id)
        last = render_entry(
            Entry(talk.last_post_id, talk.last_post_id, None), bundle, urls, viewer.id
        )
        if view is None or last is None:
            continue
        people = _participants(view.post, bundle, viewer.id)
        rendered.append(
            {
                "id": str(talk.root_id),
                "unread": talk.unread,
                "accounts": [render_account(bundle.accounts[i], urls) for i in people],
                "last_status": last,
            }
        )
    return rendered


async def index(request: Request) -> Response:
    caller = await require(request, "read:statuses")
    page = read_page(await read_params(request))
    async with context(request).pool.acquire() as conn:
        found = await talks.list_conversations(conn, caller.person, page)
        rendered = await _render(request, conn, found, caller.person)
    return answer(rendered, link_header(request, [c.last_post_id for c in found]))


async def _found(conn: Conn, request: Request, person: Actor) -> Conversation:
    talk = await talks.find_conversation(conn, person, path_id(request))
    if talk is None:
        raise not_found()
    return talk


async def read(request: Request) -> Response:
    caller = await require(request, "write:conversations")
    async with context(request).pool.acquire() as conn:
        talk = await _found(conn, request, caller.person)
        await talks.mark_read(conn, caller.person, talk)
        rendered = await _render(request, conn, [replace(talk, unread=False)], caller.person)
    if not rendered:
        raise not_found()
    return answer(rendered[0])


async def remove(request: Request) -> Response:
    caller = await require(request, "write:conversations")
    async with context(request).pool.acquire() as conn:
        await talks.remove(conn, caller.person, await _found(conn, request, caller.person))
    return answer({})


Change = Callable[[Conn, Actor, Post], Awaitable[None]]


async def _mute(request: Request, change: Change) -> Response:
    caller = await require(request, "write:mutes")
    async with context(request).pool.acquire() as conn:
        entry = await entry_of(conn, path_id(request))
        post = await visible_post(conn, entry.post_id, caller.actor)
        await change(conn, caller.person, post)
        rendered = await render_entries(
            request, conn, [Entry(post.id, post.id, None)], caller.actor
        )
    return answer(rendered[0])


async def mute(request: Request) -> Response:
    return await _mute(request, talks.mute_thread)


async def unmute(request: Request) -> Response:
    return await _mute(request, talks.unmute_thread)


routes = [
    Route("/api/v1/conversations", index, methods=["GET"]),
    Route("/api/v1/conversations/{id}/read", read, methods=["POST"]),
    Route("/api/v1/conversations/{id}", remove, methods=["DELETE"]),
    Route("/api/v1/statuses/{id}/mute", mute, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unmute", unmute, methods=["POST"]),
]
