"""Who is connected to the streaming API, and which streams they may have.

As Mastodon's streaming server decides (``streaming/index.js`` of mastodon/mastodon,
``accountFromRequest``, ``checkScopes``, ``channelNameToIds``): the token comes from
``Authorization: Bearer``, else ``?access_token=``, else (browsers) ``Sec-WebSocket-Protocol``;
a person's token is needed for every stream (401 ``Missing access token`` / ``Invalid access
token``); public streams need no scope, ``user`` and ``list`` need ``read:statuses``,
``user:notification`` ``read:notifications`` (``read`` covers both); the ``user`` stream carries
notifications only when the token may read them; a list must be one's own (here: a group one
follows); ``hashtag`` needs ``tag`` and ``list`` needs ``list`` (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from community.actors import Actor, find_actor_by_id
from community.context import AppContext
from community.oauth import Token, find_token
from community.statuses import followed_groups, normalize_tag
from fediverse.api.streaming.clients import PUBLIC_STREAMS, STREAMS, Client, Stream


class StreamError(Exception):
    """A refused connection or subscription: Mastodon's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Session:
    """Who is connected: their token (for scopes) and their account."""

    token: Token
    person: Actor


async def open_session(ctx: AppContext, raw: str | None) -> Session:
    if not raw:
        raise StreamError(401, "Missing access token")
    async with ctx.pool.acquire() as conn:
        token = await find_token(conn, raw)
        person = await find_actor_by_id(conn, token.actor_id) if token and token.actor_id else None
    if token is None or person is None:
        raise StreamError(401, "Invalid access token")
    return Session(token, person)


def token_of(headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str | None, bool]:
    """(the token, whether it came as the WebSocket subprotocol)."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    if query.get("access_token"):
        return query["access_token"], False
    protocol = headers.get("sec-websocket-protocol", "").split(",")[0].strip()
    return (protocol, True) if protocol else (None, False)


async def resolve_stream(
    ctx: AppContext, session: Session, name: str, params: Mapping[str, str]
) -> Stream:
    """The stream ``name`` with its parameters, if this session may have it."""
    if name not in STREAMS:
        raise StreamError(400, "Unknown stream type")
    if name not in PUBLIC_STREAMS:
        needed = "read:notifications" if name == "user:notification" else "read:statuses"
        if not session.token.allows(needed):
            raise StreamError(401, "Access token does not have the required scopes")
    if name.startswith("hashtag"):
        tag = params.get("tag") or ""
        if not normalize_tag(tag):
            raise StreamError(400, "Missing tag name parameter")
        return Stream(name, normalize_tag(tag), (name, tag))
    if name == "list":
        return await _list_stream(ctx, session, params.get("list") or "")
    return Stream(name, "", (name,))


async def _list_stream(ctx: AppContext, session: Session, list_id: str) -> Stream:
    if not list_id:
        raise StreamError(400, "Missing list name parameter")
    async with ctx.pool.acquire() as conn:
        groups = {str(g["id"]) for g in await followed_groups(conn, session.person.id)}
    if list_id not in groups:
        raise StreamError(401, "Not authorized to stream this list")
    return Stream("list", list_id, ("list", list_id))


def new_client(session: Session) -> Client:
    notifications = session.token.allows("read:notifications")
    return Client(session.person.id, notifications=notifications, token_id=session.token.id)
