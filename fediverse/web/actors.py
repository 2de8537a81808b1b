"""Actor documents and their collections, with an HTML profile for people."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import collections as col
from community.actors import Actor, find_instance_actor, find_local_actor, get_local_key
from community.audience import may_fetch_in, members_only
from community.errors import InvalidInput, NotFoundError
from community.modlog import MODLOG_CONTEXT, modlog_uri, render_modlog
from community.portability.moves import followers_gone
from community.posts import pinned_posts
from community.render import AS_CONTEXT, render_actor
from community.urls import ACTOR_PATH_PREFIX
from fediverse.web.negotiation import choose_representation
from fediverse.web.profiles import actor_page
from fediverse.web.responses import ActivityResponse
from fediverse.web.signed_fetch import check_authorized_fetch
from fediverse.web.signer import signer_of
from fediverse.web.state import context

_TYPE_OF_PREFIX = {prefix: actor_type for actor_type, prefix in ACTOR_PATH_PREFIX.items()}


async def _actor_at(request: Request) -> Actor:
    """The local actor a ``/users/NAME`` or ``/groups/NAME`` URL names, or 404."""
    prefix = request.url.path.split("/", 2)[1]
    name = request.path_params["name"]
    async with context(request).pool.acquire() as conn:
        actor = await find_local_actor(conn, name)
    if actor is None or actor.type != _TYPE_OF_PREFIX.get(prefix):
        raise NotFoundError(f"{name!r}")
    return actor


async def _instance_actor(request: Request) -> Actor:
    async with context(request).pool.acquire() as conn:
        found = await find_instance_actor(conn)
    if found is None:
        raise NotFoundError("instance actor")
    return found


async def _actor_document(request: Request, actor: Actor) -> Response:
    if actor.type != "Application":  # the instance actor stays public: others need its key
        await check_authorized_fetch(request)
    async with context(request).pool.acquire() as conn:
        key = await get_local_key(conn, actor)
    return ActivityResponse(render_actor(actor, key.public_key_pem))


def gone(actor: Actor) -> Response:
    """A deleted group (its moderators deleted it) or person (``fediverse user delete``), or a
    moved group's followers past their days: 410 with a ``Tombstone``."""
    tombstone = {
        "@context": AS_CONTEXT,
        "id": actor.uri,
        "type": "Tombstone",
        "formerType": actor.type,
    }
    return ActivityResponse(tombstone, status_code=410)


async def actor(request: Request) -> Response:
    """The actor document for machines; for browsers, the actor's page (its ``url``)."""
    found = await _actor_at(request)
    if found.deleted_at is not None:
        return gone(found)
    if choose_representation(request.headers.get("accept")) == "as2":
        response = await _actor_document(request, found)
    else:
        response = await actor_page(request, found)
    response.headers["Vary"] = "Accept"
    return response


async def instance_actor(request: Request) -> Response:
    return await _actor_document(request, await _instance_actor(request))


def _page_request(request: Request) -> col.PageRequest | None:
    params = request.query_params
    if "page" not in params and "max_id" not in params and "min_id" not in params:
        return None
    try:
        max_id = int(params["max_id"]) if "max_id" in params else None
        min_id = int(params["min_id"]) if "min_id" in params else None
    except ValueError:
        raise InvalidInput("max_id and min_id must be integers") from None
    return col.PageRequest(max_id=max_id, min_id=min_id)


async def collection(request: Request) -> Response:
    name: col.CollectionName = request.path_params["collection"]
    if name not in ("followers", "following", "outbox"):
        raise NotFoundError(f"collection {name!r}")
    owner = await _actor_at(request)
    await check_authorized_fetch(request)
    if owner.deleted_at is not None or (name == "followers" and followers_gone(owner)):
        return gone(owner)
    uri = f"{owner.uri}/{name}"
    page = _page_request(request)
    async with context(request).pool.acquire() as conn:
        if owner.is_group and owner.manually_approves_followers and name == "followers":
            # Who belongs to a closed group is the members' business: count only.
            doc = await col.render_collection(conn, name, owner.id, uri)
            doc.pop("first")
        elif page is None:
            doc = await col.render_collection(conn, name, owner.id, uri)
        else:
            doc = await col.render_page(conn, name, owner.id, uri, page)
    return ActivityResponse(doc)


async def moderators(request: Request) -> Response:
    group = await _actor_at(request)
    await check_authorized_fetch(request)
    async with context(request).pool.acquire() as conn:
        doc = await col.render_moderators(conn, group.id, f"{group.uri}/moderators")
    return ActivityResponse(doc)


async def featured(request: Request) -> Response:
    """Pinned posts, inline (Lemmy and Mastodon read ``orderedItems`` of ``featured``); a
    private group's only to those :func:`community.audience.may_fetch_in` allows."""
    group = await _actor_at(request)
    await check_authorized_fetch(request)
    signer = await signer_of(request) if members_only(group) else None
    async with context(request).pool.acquire() as conn:
        allowed = await may_fetch_in(conn, group, signer)
        pinned = await pinned_posts(conn, group) if allowed else []
    return ActivityResponse(col.render_inline(f"{group.uri}/featured", pinned))


async def modlog(request: Request) -> Response:
    """The group's moderation log: public, newest first, keyset-paged (``modlog`` property);
    a private group's shows its items only to those :func:`community.audience.may_fetch_in`
    allows (its acts name members' posts), to others an empty log."""
    group = await _actor_at(request)
    await check_authorized_fetch(request)
    page = _page_request(request)
    signer = await signer_of(request) if members_only(group) else None
    async with context(request).pool.acquire() as conn:
        if not await may_fetch_in(conn, group, signer):
            empty = col.render_empty(modlog_uri(group))
            return ActivityResponse({"@context": MODLOG_CONTEXT, **empty})
        doc = await render_modlog(conn, group, page)
    return ActivityResponse(doc)


async def instance_outbox(request: Request) -> Response:
    return ActivityResponse(col.render_empty(context(request).urls.instance_actor_uri + "/outbox"))


routes = [
    Route("/actor", instance_actor, methods=["GET"]),
    Route("/actor/outbox", instance_outbox, methods=["GET"]),
    Route("/users/{name}", actor, methods=["GET"]),
    Route("/groups/{name}", actor, methods=["GET"]),
    Route("/users/{name}/{collection}", collection, methods=["GET"]),
    Route("/groups/{name}/moderators", moderators, methods=["GET"]),
    Route("/groups/{name}/featured", featured, methods=["GET"]),
    Route("/groups/{name}/modlog", modlog, methods=["GET"]),
    Route("/groups/{name}/{collection}", collection, methods=["GET"]),
]
