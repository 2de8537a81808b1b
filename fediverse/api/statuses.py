"""``/api/v1/statuses/…``: post (with attachments or a poll), show, delete, thread context,
favourite, reblog (docs.joinmastodon.org/methods/statuses). A status that mentions a group is
posted into it. Edits, their history and a status's source: :mod:`fediverse.api.edits`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import compose
from community.actors import Actor, find_local_actor
from community.audience import Requested, is_requested
from community.errors import InvalidInput
from community.html import html_to_text
from community.media import Media, attachable
from community.posts import Post
from community.statuses import Entry, thread_of
from community.storage.database import Conn
from fediverse.api.auth import optional, require
from fediverse.api.common import (
    answer,
    entry_of,
    path_id,
    render_entries,
    render_posts,
    resolve_remote,
    visible_ids,
)
from fediverse.api.common import visible_post as find_visible
from fediverse.api.errors import NOT_ALLOWED, ApiError, invalid, not_found
from fediverse.api.params import Params, read_params
from fediverse.api.polls import read_poll
from fediverse.web.state import context
from outbox import actions, reactions
from outbox.actions import MAX_POST_LENGTH
from outbox.activities import Composition

REPLY_NOT_FOUND = "The post you are trying to reply to does not appear to exist."
MAX_SPOILER = 500


def check_status(params: Params, *, carries_media: bool) -> tuple[str, Requested, str, str | None]:
    """(text, visibility, spoiler text, language), or Mastodon's 422."""
    text = params.text("status") or ""
    if not text.strip() and not carries_media:
        raise invalid("Text can't be blank")
    if len(text) > MAX_POST_LENGTH:
        raise invalid(f"Text character limit of {MAX_POST_LENGTH} exceeded")
    visibility = params.text("visibility") or "public"
    if not is_requested(visibility):
        raise invalid("Visibility is not included in the list")
    spoiler = params.text("spoiler_text") or ""
    if len(spoiler) > MAX_SPOILER:
        raise invalid(f"Spoiler text character limit of {MAX_SPOILER} exceeded")
    language = params.text("language") or None
    if language is not None and not compose.LANGUAGE_RE.match(language):
        raise invalid("Language is not a valid ISO 639 code")
    return text, visibility, spoiler, language


async def read_media(conn: Conn, person: Actor, params: Params) -> tuple[Media, ...] | None:
    """The uploads ``media_ids`` names (the caller's, carried by no other post), or None when
    the parameter is absent."""
    if "media_ids" not in params:
        return None
    try:
        ids = [int(i) for i in params.list("media_ids") if i != ""]
        return tuple(await attachable(conn, person, ids))
    except ValueError:
        raise ApiError(400, "media_ids must be integers") from None
    except InvalidInput as exc:
        raise invalid(str(exc)) from None


async def read_composition(
    request: Request,
    conn: Conn,
    person: Actor,
    params: Params,
    *,
    visibility: Requested | None = None,
    media: tuple[Media, ...] = (),
    language: str | None = None,
) -> tuple[str, Composition, Actor | None]:
    """(text, composition, the group it is posted into) of a status being written or edited;
    ``visibility``, ``media`` and ``language`` are an edited post's own, kept unless the edit
    says else (the visibility always stays)."""
    chosen = await read_media(conn, person, params)
    carried = media if chosen is None else chosen
    poll = read_poll(params)
    if poll is not None and carried:
        raise invalid("Media attachments cannot be combined with a poll")
    text, asked, spoiler, chosen_language = check_status(params, carries_media=bool(carried))
    mentioned = await resolve_mentions(request, conn, text)
    people = tuple(a for a in mentioned.values() if not a.is_group)
    groups = [a for a in mentioned.values() if a.is_group]
    composition = Composition(
        visibility=visibility or asked,
        spoiler_text=spoiler,
        sensitive=params.flag("sensitive"),
        language=chosen_language if "language" in params else language,
        mentions=tuple(groups[1:]) + people,
        hashtags=tuple(compose.hashtags_in(text)),
        content_html=compose.render_text(text, mentioned, context(request).urls),
        media=carried,
        poll=poll,
    )
    return text, composition, groups[0] if groups else None


async def resolve_mentions(request: Request, conn: Conn, text: str) -> dict[str, Actor]:
    """The accounts a text mentions that we can find (others stay plain text, as Mastodon)."""
    domain = context(request).urls.domain
    found: dict[str, Actor] = {}
    for handle in compose.mentioned_handles(text)[:20]:
        name, _, host = handle.partition("@")
        if not host or host.lower() == domain:
            actor = await find_local_actor(conn, name)
        else:
            actor = await resolve_remote(request, f"@{handle}")
        if actor is not None and actor.type != "Application":
            found[handle] = actor
    return found


async def create(request: Request) -> Response:
    caller = await require(request, "write:statuses")
    params = await read_params(request)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        parent_id = params.integer("in_reply_to_id")
        try:
            parent = await find_visible(conn, parent_id, caller.actor) if parent_id else None
        except ApiError:
            raise ApiError(404, REPLY_NOT_FOUND) from None
        text, composition, group = await read_composition(request, conn, caller.person, params)
        try:
            post = await actions.publish(
                conn,
                ctx.urls,
                caller.person,
                text,
                group=group,
                in_reply_to=parent.uri if parent else None,
                composition=composition,
            )
        except InvalidInput as exc:
            raise invalid(str(exc)) from None
        rendered = await render_posts(request, conn, [post.id], caller.actor)
    return answer(rendered[0])


async def show(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    async with context(request).pool.acquire() as conn:
        entry = await entry_of(conn, path_id(request))
        await find_visible(conn, entry.post_id, viewer)
        rendered = await render_entries(request, conn, [entry], viewer)
    if not rendered:
        raise not_found()
    return answer(rendered[0])


async def delete(request: Request) -> Response:
    caller = await require(request, "write:statuses")
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        post = await find_visible(conn, path_id(request), caller.actor)
        if post.author_id != caller.person.id:
            raise not_found()
        rendered = (await render_posts(request, conn, [post.id], caller.actor))[0]
        await actions.delete(conn, ctx.urls, caller.person, post)
    rendered["text"] = source_text(post)
    return answer(rendered)


def source_text(post: Post) -> str:
    """What the author typed (the note's ``source``), else the text of its HTML."""
    source = post.raw.get("source")
    text = source.get("content") if isinstance(source, dict) else None
    return text if isinstance(text, str) else html_to_text(post.content_html)


async def thread(request: Request) -> Response:
    caller = await optional(request, "read:statuses")
    viewer = caller.actor if caller else None
    async with context(request).pool.acquire() as conn:
        post = await find_visible(conn, path_id(request), viewer)
        ancestor_ids, descendant_ids = await thread_of(conn, post.id)
        ancestors = await render_posts(
            request, conn, await visible_ids(conn, ancestor_ids, viewer), viewer
        )
        descendants = await render_posts(
            request, conn, await visible_ids(conn, descendant_ids, viewer), viewer
        )
    return answer(
        {
            "ancestors": _in_order(ancestors, ancestor_ids),
            "descendants": _in_order(descendants, descendant_ids),
        }
    )


def _in_order(rendered: list[dict[str, object]], ids: list[int]) -> list[dict[str, object]]:
    by_id = {r["id"]: r for r in rendered}
    return [by_id[str(i)] for i in ids if str(i) in by_id]


async def _react(request: Request, scope: str, act: str) -> Response:
    caller = await require(request, scope)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        entry = await entry_of(conn, path_id(request))
        post = await find_visible(conn, entry.post_id, caller.actor)
        try:
            if act == "favourite":
                await reactions.favourite(conn, ctx.urls, caller.person, post)
            elif act == "unfavourite":
                await reactions.unfavourite(conn, ctx.urls, caller.person, post)
            elif act == "reblog":
                share_id = await reactions.reblog(conn, ctx.urls, caller.person, post)
                entry = Entry(share_id, post.id, caller.person.id)
            else:
                await reactions.unreblog(conn, ctx.urls, caller.person, post)
        except InvalidInput:
            raise ApiError(403, NOT_ALLOWED) from None
        if act != "reblog":
            entry = Entry(post.id, post.id, None)
        rendered = await render_entries(request, conn, [entry], caller.actor)
    return answer(rendered[0])


async def favourite(request: Request) -> Response:
    return await _react(request, "write:favourites", "favourite")


async def unfavourite(request: Request) -> Response:
    return await _react(request, "write:favourites", "unfavourite")


async def reblog(request: Request) -> Response:
    return await _react(request, "write:statuses", "reblog")


async def unreblog(request: Request) -> Response:
    return await _react(request, "write:statuses", "unreblog")


routes = [
    Route("/api/v1/statuses", create, methods=["POST"]),
    Route("/api/v1/statuses/{id}", show, methods=["GET"]),
    Route("/api/v1/statuses/{id}", delete, methods=["DELETE"]),
    Route("/api/v1/statuses/{id}/context", thread, methods=["GET"]),
    Route("/api/v1/statuses/{id}/favourite", favourite, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unfavourite", unfavourite, methods=["POST"]),
    Route("/api/v1/statuses/{id}/reblog", reblog, methods=["POST"]),
    Route("/api/v1/statuses/{id}/unreblog", unreblog, methods=["POST"]),
]
