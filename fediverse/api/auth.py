"""Who is calling the client API: the bearer token, its scopes, and its person.

Mastodon answers a missing, unknown or revoked token with 401 ``The access token is
invalid`` and a token without the needed scope with 403 ``This action is outside the
authorized scopes`` (Doorkeeper, as configured in mastodon/mastodon ``app/controllers/api/
base_controller.rb``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from community.actors import Actor, find_actor_by_id
from community.oauth import Token, find_token
from fediverse.api.errors import INVALID_TOKEN, NEEDS_USER, OUTSIDE_SCOPES, ApiError
from fediverse.web.state import context


@dataclass(frozen=True)
class Caller:
    token: Token
    actor: Actor | None

    @property
    def person(self) -> Actor:
        """The signed-in person (endpoints that need one check with ``user=True``)."""
        assert self.actor is not None
        return self.actor


def bearer_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = request.query_params.get("access_token")
    return token or None


async def _caller(request: Request, raw: str) -> Caller:
    ctx = context(request)
    async with ctx.pool.acquire() as conn:
        token = await find_token(conn, raw)
        if token is None:
            raise ApiError(401, INVALID_TOKEN)
        actor = await find_actor_by_id(conn, token.actor_id) if token.actor_id else None
    return Caller(token, actor)


async def authenticated(request: Request) -> Caller:
    """The caller of a person's token, whatever its scopes (check them with ``allows``)."""
    raw = bearer_of(request)
    if raw is None:
        raise ApiError(401, INVALID_TOKEN)
    caller = await _caller(request, raw)
    if caller.actor is None:
        raise ApiError(422, NEEDS_USER)
    return caller


async def require(request: Request, scope: str, *, user: bool = True) -> Caller:
    """The caller, whose token must grant ``scope`` (and belong to a person if ``user``)."""
    raw = bearer_of(request)
    if raw is None:
        raise ApiError(401, INVALID_TOKEN)
    caller = await _caller(request, raw)
    if not caller.token.allows(scope):
        raise ApiError(403, OUTSIDE_SCOPES)
    if user and caller.actor is None:
        raise ApiError(422, NEEDS_USER)
    return caller


async def optional(request: Request, scope: str) -> Caller | None:
    """For public endpoints: anonymous is fine; a token, if sent, must be good."""
    raw = bearer_of(request)
    if raw is None:
        return None
    caller = await _caller(request, raw)
    if not caller.token.allows(scope):
        raise ApiError(403, OUTSIDE_SCOPES)
    return caller
