"""Authorized fetch (Mastodon's "secure mode"): our documents only for signed requests.

With ``FEDIVERSE_AUTHORIZED_FETCH=true``, a GET of an actor, collection, post or activity as
Activity Streams must carry an HTTP signature we can verify, from a domain we federate with.
WebFinger, NodeInfo, host-meta, the instance actor and the HTML pages stay public, so other
servers can still discover us and fetch the instance actor's key to sign their own GETs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request

from community.remote import authority_of
from federation.verify import verify_with_lookup
from fediverse.web.state import context


async def check_authorized_fetch(request: Request) -> None:
    """Raise 401 for an unsigned or unverifiable GET, 403 for a blocked signer's domain."""
    ctx = context(request)
    if not ctx.settings.authorized_fetch:
        return
    target_uri = ctx.urls.request_uri(request.url.path, request.url.query)
    result = await verify_with_lookup(
        "GET",
        target_uri,
        request.headers.items(),
        b"",
        ctx.remote.lookup_key,
        datetime.now(UTC),
        ctx.settings.signature_window_seconds,
    )
    if not result.ok or result.owner_uri is None:
        reason = result.reason.value if result.reason else "unverified"
        raise HTTPException(
            401,
            f"this server answers signed requests only ({reason})",
            headers={"Vary": "Accept, Signature"},
        )
    if not await ctx.is_domain_allowed(authority_of(result.owner_uri)):
        raise HTTPException(403, "this server does not federate with your domain")
