"""ActivityPub client-to-server: ``POST /users/NAME/outbox`` with a bearer token.

A client sends ``Create`` (of a ``Note``, or the bare ``Note``), ``Follow``, ``Like``,
``Undo`` (of its ``Follow`` or ``Like``) or ``Delete``; the server fills in ids and
addresses, stores, and delivers exactly as when the member acts through the Mastodon API
(ActivityPub §6). Answers 201 with ``Location`` of the new activity.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community.activities import find_activity, latest_activity_uri
from community.actors import Actor, find_actor_by_uri
from community.audience import Requested
from community.context import AppContext
from community.errors import InvalidInput
from community.html import html_to_text, sanitize_html
from community.posts import Post, find_post
from community.render import AS_PUBLIC
from community.resolve import resolve_url
from community.storage.database import Conn
from federation.vocabulary.base import id_of, ids_of
from fediverse.api.auth import Caller, authenticated
from fediverse.api.errors import NOT_ALLOWED, OUTSIDE_SCOPES, ApiError, invalid, not_found
from fediverse.api.params import MAX_API_BODY
from fediverse.web.bodies import BodyTooLarge, InvalidJSON, parse_json_object, read_body
from fediverse.web.state import context
from outbox import actions, reactions
from outbox.activities import Composition

SCOPES = {
    "Create": ("write:statuses",),
    "Delete": ("write:statuses",),
    "Follow": ("write:follows",),
    "Like": ("write:favourites",),
    "Undo": ("write:follows", "write:favourites"),
}
OBJECT_TYPES = frozenset({"Note", "Article", "Page"})


async def _activity(request: Request) -> dict[str, Any]:
    try:
        activity = parse_json_object(await read_body(request, MAX_API_BODY))
    except BodyTooLarge:
        raise ApiError(413, "the request body is too large") from None
    except InvalidJSON as exc:
        raise ApiError(400, str(exc)) from None
    if activity.get("type") in OBJECT_TYPES:  # a bare object means: create it (AP §6.2.1)
        activity = {
            "type": "Create",
            "object": activity,
            "to": activity.get("to"),
            "cc": activity.get("cc"),
        }
    if activity.get("type") not in SCOPES:
        raise invalid(f"activities of type {activity.get('type')!r} are not supported here")
    return activity


Known = TypeVar("Known", Actor, Post)


async def _known_or_resolved(
    ctx: AppContext,
    conn: Conn,
    uri: str | None,
    find: Callable[[Conn, str], Awaitable[Known | None]],
    kind: type[Known],
) -> Known:
    """What ``uri`` names: stored here, else fetched from its own server; 404 when neither."""
    found = await find(conn, uri) if uri else None
    if found is None and uri and not ctx.urls.is_local(uri):
        resolved = await resolve_url(ctx, uri)
        found = resolved if isinstance(resolved, kind) else None
    if found is None:
        raise not_found()
    return found


async def _actor(ctx: AppContext, conn: Conn, uri: str | None) -> Actor:
    return await _known_or_resolved(ctx, conn, uri, find_actor_by_uri, Actor)


async def _post(ctx: AppContext, conn: Conn, uri: str | None) -> Post:
    post = await _known_or_resolved(ctx, conn, uri, find_post, Post)
    if post.deleted_at is not None:
        raise not_found()
    return post


def _text_of(note: dict[str, Any]) -> str:
    """What the member typed: the ``source`` sent along, else the content as plain text."""
    source = note.get("source")
    text = source.get("content") if isinstance(source, dict) else None
    if isinstance(text, str):
        return text
    return html_to_text(sanitize_html(str(note.get("content") or "")))


def _visibility(person: Actor, to: list[str], cc: list[str]) -> Requested:
    if AS_PUBLIC in to:
        return "public"
    if AS_PUBLIC in cc:
        return "unlisted"
    if person.followers_uri in to + cc:
        return "private"
    return "direct"


async def _addressed(conn: Conn, uris: list[str]) -> list[Actor]:
    """The actors we know among ``uris``, each once, in order."""
    found = [await find_actor_by_uri(conn, uri) for uri in dict.fromkeys(uris)]
    return [actor for actor in found if actor is not None]


def _composition(
    note: dict[str, Any], visibility: Requested, addressed: list[Actor]
) -> Composition:
    """The post's form; the first group addressed is where it goes, any other is mentioned."""
    groups = [a for a in addressed if a.is_group]
    summary = note.get("summary")
    content = str(note.get("content") or "")
    return Composition(
        visibility=visibility,
        spoiler_text=summary if isinstance(summary, str) else "",
        sensitive=bool(note.get("sensitive")),
        mentions=tuple(groups[1:]) + tuple(a for a in addressed if not a.is_group),
        content_html=sanitize_html(content) if content else None,
    )


async def _create(ctx: AppContext, conn: Conn, person: Actor, activity: dict[str, Any]) -> None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") not in OBJECT_TYPES:
        raise invalid("a Create needs a Note, Article or Page")
    to = ids_of(note.get("to")) + ids_of(activity.get("to"))
    cc = ids_of(note.get("cc")) + ids_of(activity.get("cc"))
    addressed = await _addressed(conn, to + cc + ids_of(note.get("audience")))
    groups = [a for a in addressed if a.is_group]
    parent_uri = id_of(note.get("inReplyTo"))
    parent = await _post(ctx, conn, parent_uri) if parent_uri else None
    text = _text_of(note)
    composition = _composition(note, _visibility(person, to, cc), addressed)
    name = note.get("name")
    await actions.publish(
        conn,
        ctx.urls,
        person,
        text,
        group=groups[0] if groups else None,
        in_reply_to=parent.uri if parent else None,
        composition=composition,
        title=name if isinstance(name, str) else None,
    )


async def _undo(ctx: AppContext, conn: Conn, person: Actor, activity: dict[str, Any]) -> None:
    undone = activity.get("object")
    if not isinstance(undone, dict):
        stored = await find_activity(conn, id_of(undone) or "")
        if stored is None or stored.actor_id != person.id:
            raise not_found()
        undone = {"type": stored.type, "object": stored.object_uri}
    if undone.get("type") == "Follow":
        await actions.unfollow(
            conn, ctx.urls, person, await _actor(ctx, conn, id_of(undone.get("object")))
        )
    elif undone.get("type") == "Like":
        post = await _post(ctx, conn, id_of(undone.get("object")))
        await reactions.unfavourite(conn, ctx.urls, person, post)
    else:
        raise invalid("only a Follow or a Like can be undone here")


async def _perform(
    ctx: AppContext, conn: Conn, caller: Caller, activity: dict[str, Any]
) -> str | None:
    person = caller.person
    kind = activity["type"]
    target = id_of(activity.get("object"))
    if kind == "Create":
        await _create(ctx, conn, person, activity)
    elif kind == "Follow":
        await actions.follow(conn, ctx.urls, person, await _actor(ctx, conn, target))
    elif kind == "Like":
        await reactions.favourite(conn, ctx.urls, person, await _post(ctx, conn, target))
    elif kind == "Delete":
        post = await _post(ctx, conn, target)
        if post.author_id != person.id:
            raise not_found()
        await actions.delete(conn, ctx.urls, person, post)
    else:
        await _undo(ctx, conn, person, activity)
    return await latest_activity_uri(conn, person.id)


async def post_outbox(request: Request) -> Response:
    caller = await authenticated(request)
    activity = await _activity(request)
    if not any(caller.token.allows(s) for s in SCOPES[activity["type"]]):
        raise ApiError(403, OUTSIDE_SCOPES)
    if caller.person.username.lower() != str(request.path_params["name"]).lower():
        raise ApiError(403, NOT_ALLOWED)
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        try:
            location = await _perform(ctx, conn, caller, activity)
        except InvalidInput as exc:
            raise invalid(str(exc)) from None
    headers = {"Location": location} if location else {}
    return Response(status_code=201, headers=headers)


routes = [Route("/users/{name}/outbox", post_outbox, methods=["POST"])]
