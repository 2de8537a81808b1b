"""Who signed a GET, for the answers that depend on who asks (members-only posts).

Authorized fetch (:mod:`fediverse.web.signed_fetch`) is all or nothing, by setting. Some
documents are for some servers only whatever that setting (a private community's posts: its
members' servers, :func:`community.audience.may_fetch`): for them the signature is checked
when there is one. An unsigned or unverifiable request, or a blocked domain's, is nobody.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request

from community.actors import Actor, find_actor_by_uri
from community.errors import FediverseError
from community.remote import authority_of
from federation.verify import verify_with_lookup
from fediverse.web.state import context


async def signer_of(request: Request) -> Actor | None:
    """The verified owner of the key that signed this GET, if it is signed and allowed."""
    if "signature" not in request.headers and "signature-input" not in request.headers:
        return None
    ctx = context(request)
    try:
        result = await verify_with_lookup(
            "GET",
            ctx.urls.request_uri(request.url.path, request.url.query),
            request.headers.items(),
            b"",
            ctx.remote.lookup_key,
            datetime.now(UTC),
            ctx.settings.signature_window_seconds,
        )
    except FediverseError:  # a key document that is not an actor's: nobody
        return None
    if not result.ok or result.owner_uri is None:
        return None
    # TODO(issue 11, origins): federation.origins once the harden branch lands
    if not await ctx.is_domain_allowed(authority_of(result.owner_uri)):
        return None
    async with ctx.pool.acquire() as conn:
        return await find_actor_by_uri(conn, result.owner_uri)
