"""Authorized fetch (Mastodon's "secure mode"): our documents only for signed requests.

With ``FEDIVERSE_AUTHORIZED_FETCH=true``, a GET of an actor, collection, post or activity as
Activity Streams must carry an HTTP signature we can verify, from a domain we federate with.
WebFinger, NodeInfo, host-meta, the instance actor and the HTML pages stay public, so other
servers can still discover us and fetch the instance actor's key to sign their own GETs.

A blocked domain is refused twice over: by the host of the key id it signs with (before any
look-up, so we never fetch from it) and by the host of the key's verified owner. The domain
policy reads the rules' version on each decision, so a block applies at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request

from federation.origins import origin_of
from federation.verify import signature_key_id, verify_with_lookup
from fediverse.web.state import context

BLOCKED = "this server does not federate with your domain"


async def check_authorized_fetch(request: Request) -> None:
    """Raise 401 for an unsigned or unverifiable GET, 403 for a blocked signer's domain."""
    ctx = context(request)
    if not ctx.settings.authorized_fetch:
        return
    claimed = origin_of(signature_key_id(request.headers.items()))
    if claimed is not None and not await ctx.is_domain_allowed(claimed.authority):
        raise HTTPException(403, BLOCKED)
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
    owner = origin_of(result.owner_uri)
    if not result.ok or owner is None:
        reason = result.reason.value if result.reason else "unverified"
        raise HTTPException(
            401,
            f"this server answers signed requests only ({reason})",
            headers={"Vary": "Accept, Signature"},
        )
    if not await ctx.is_domain_allowed(owner.authority):
        raise HTTPException(403, BLOCKED)
