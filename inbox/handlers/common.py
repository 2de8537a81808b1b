"""What several handlers need: actors, objects fetched from their origin, addressed groups."""

from __future__ import annotations

from typing import Any

from community.actors import Actor, find_actor_by_uri
from community.context import AppContext
from community.remote import InvalidActor, authority_of
from community.storage.database import Conn
from federation.errors import Blocked, FetchError, Gone, NotAnObject, NotFound, RefusedAddress
from federation.vocabulary import ASObject, Mention, parse_object
from federation.vocabulary.base import id_of, ids_of
from inbox.errors import Refused, Transient
from inbox.model import Received

# Failures that will not pass by waiting: the object is gone, refused, or not an object.
PERMANENT_FETCH_ERRORS = (Gone, NotFound, NotAnObject, RefusedAddress, Blocked)


async def ensure_actor(ctx: AppContext, uri: str) -> Actor:
    """The actor at ``uri`` (ours, stored, or fetched now)."""
    if not await ctx.is_domain_allowed(authority_of(uri)):
        raise Refused(f"{authority_of(uri)} is blocked here")
    try:
        actor: Actor = await ctx.remote.get_actor(uri)
    except PERMANENT_FETCH_ERRORS as exc:
        raise Refused(f"cannot use actor {uri}: {exc}") from None
    except InvalidActor as exc:
        raise Refused(str(exc)) from None
    except FetchError as exc:
        raise Transient(f"cannot fetch actor {uri}: {exc}") from None
    if actor.local and not ctx.urls.is_local(uri):
        raise Refused(f"{uri} is not ours")
    return actor


async def fetch_from_origin(ctx: AppContext, uri: str) -> dict[str, Any]:
    """The document at ``uri`` (the fetcher refuses blocked hosts: ``Blocked`` → Refused)."""
    try:
        document = await ctx.remote.fetcher.fetch_document(uri)
    except PERMANENT_FETCH_ERRORS as exc:
        raise Refused(f"cannot fetch {uri} from its origin: {exc}") from None
    except FetchError as exc:
        raise Transient(f"cannot fetch {uri}: {exc}") from None
    data: dict[str, Any] = document.json
    return data


async def trusted_object(ctx: AppContext, rx: Received) -> ASObject:
    """The activity's object as its origin vouches for it (DESIGN.md §5), parsed, its JSON kept.

    An embedded object whose id is on the host that signed (or wrapped) the activity is used
    as sent; one given by id, or embedded from another origin, is fetched from its origin.
    Our own objects are read from our database by the caller, never fetched.
    """
    value = rx.object_json
    object_uri = id_of(value)
    if not object_uri:
        raise Refused("the activity has no object id")
    if isinstance(value, dict) and authority_of(object_uri) == rx.vouched_by:
        return parse_object(value)
    if ctx.urls.is_local(object_uri):
        raise Refused(f"{object_uri} is ours; we do not take others' word for it")
    return parse_object(await fetch_from_origin(ctx, object_uri))


def addressed_uris(*documents: ASObject) -> list[str]:
    """Everything a document is addressed to or mentions: to, cc, audience, Mention tags."""
    found: list[str] = []
    for doc in documents:
        for field in (doc.to, doc.cc, doc.audience, doc.bto, doc.bcc):
            found += ids_of(field)
        tags = doc.tag if isinstance(doc.tag, list) else [doc.tag]
        found += [tag.href for tag in tags if isinstance(tag, Mention) and tag.href]
    return list(dict.fromkeys(found))


async def local_groups_addressed(conn: Conn, ctx: AppContext, *documents: ASObject) -> list[Actor]:
    """Our groups that a document is addressed to (by id, followers collection, mention)."""
    groups: list[Actor] = []
    for uri in addressed_uris(*documents):
        if not ctx.urls.is_local(uri):
            continue
        actor = await find_actor_by_uri(conn, uri.removesuffix("/followers"))
        if actor is not None and actor.is_group and actor not in groups:
            groups.append(actor)
    return groups
