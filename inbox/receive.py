"""Receiving one POSTed activity: verify, store durably, then answer 202 (DESIGN.md §3 "In").

The pipeline, in the order the code runs it (the web route, ``fediverse.web.inbox``, reads
the body within the size limit and hands over an :class:`InboxRequest`):

content type → JSON object of sane depth → id, type, actor → origin (the id's host is the
actor's) → instance policy → the addressed inbox exists → HTTP signature → the key's owner is
the actor → the durable queue (:class:`~inbox.intake.Intake`) → 202.

Nothing is processed here, and nothing unverified is queued. Every refusal is a
:class:`Rejection` carrying the HTTP status, the reason sent back, and a closed-set reason for
the metrics.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from community.actors import find_local_actor
from community.context import AppContext
from community.metrics import record_inbox_request
from community.remote import authority_of
from federation.fetch import has_nul_escape
from federation.origins import is_valid_url, same_origin
from federation.verify import Reason, verify_with_lookup
from federation.vocabulary.base import id_of
from inbox.intake import IncomingItem, Intake

AS2_TYPES = ("application/activity+json", "application/ld+json", "application/json")
#: Longer ``type`` values are refused (the longest in use are compact IRIs of ~30 chars).
MAX_TYPE_LENGTH = 100
#: Which actor type each per-actor inbox path belongs to.
INBOX_PREFIXES = {"users": "Person", "groups": "Group"}


class Rejection(Exception):
    """An answer other than 202, with the JSON reason."""

    def __init__(self, status: int, reason: str, metric: str = "") -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        # the closed-set reason counted in metrics (the message itself may carry values)
        self.metric = metric or {
            400: "malformed",
            403: "domain_blocked",
            404: "no_such_inbox",
            413: "too_large",
            415: "content_type",
        }.get(status, "other")


@dataclass(frozen=True, slots=True)
class InboxRequest:
    """One POST to an inbox, as the web route read it (the body within the size limit)."""

    path: str
    query: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    #: (``users`` or ``groups``, NAME) for a per-actor inbox; None for the shared inbox
    addressed_to: tuple[str, str] | None
    #: the parsed body (``fediverse.web.bodies.parse_json_object``)
    activity: dict[str, object]


def check_content_type(content_type: str) -> None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in AS2_TYPES:
        raise Rejection(415, "send application/activity+json or application/ld+json")


def identify(activity: dict[str, object], body: bytes) -> tuple[str, str, str]:
    """(activity id, type, actor id); an activity without id gets a digest-based one.

    The actor and the activity id must be http(s) URLs :mod:`federation.origins` accepts (no
    userinfo, no control characters) and of one origin; the type a short printable name. No
    NUL character anywhere: nothing downstream could store it.
    """
    if has_nul_escape(body):
        raise Rejection(400, "NUL characters are not accepted")
    kind = activity.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if not isinstance(kind, str) or not kind:
        raise Rejection(400, "the activity has no type")
    if len(kind) > MAX_TYPE_LENGTH or not kind.isprintable():
        raise Rejection(400, "the activity's type is not a type name")
    actor_uri = id_of(activity.get("actor"))
    if not actor_uri:
        raise Rejection(400, "the activity has no actor")
    if not is_valid_url(actor_uri):
        raise Rejection(400, "the activity's actor is not an http(s) URL we accept")
    activity_uri = activity.get("id")
    if activity_uri is None:
        return "urn:sha256:" + hashlib.sha256(body).hexdigest(), kind, actor_uri
    if not isinstance(activity_uri, str):
        raise Rejection(400, "the activity id is not a string")
    if not same_origin(activity_uri, actor_uri):
        raise Rejection(400, "the activity id and its actor are not of one origin")
    return activity_uri, kind, actor_uri


async def recipient_of(ctx: AppContext, request: InboxRequest) -> int | None:
    if request.addressed_to is None:
        return None
    prefix, name = request.addressed_to
    async with ctx.pool.acquire() as conn:
        actor = await find_local_actor(conn, name)
    if actor is None or INBOX_PREFIXES.get(prefix) != actor.type:
        raise Rejection(404, f"no inbox for {name!r} here")
    return actor.id


async def verify(ctx: AppContext, request: InboxRequest, kind: str, actor_uri: str) -> str:
    """The verified key id; a Rejection (401) otherwise."""
    target_uri = ctx.urls.request_uri(request.path, request.query)
    result = await verify_with_lookup(
        "POST",
        target_uri,
        request.headers,
        request.body,
        ctx.remote.lookup_key,
        datetime.now(UTC),
        ctx.settings.signature_window_seconds,
    )
    if not result.ok:
        assert result.reason is not None
        self_delete = kind == "Delete" and id_of(request.activity.get("object")) == actor_uri
        if self_delete and result.reason in (Reason.KEY_NOT_FOUND, Reason.KEY_UNAVAILABLE):
            # An account deleting itself: its key is gone with it, and we never knew it.
            raise Rejection(202, "", "self_delete_unknown_actor")
        reason = result.reason.value
        raise Rejection(401, f"signature not accepted: {reason}", reason)
    if result.owner_uri != actor_uri:
        reason = f"signed by {result.owner_uri}, not by the activity's actor"
        raise Rejection(401, reason, "signer_not_actor")
    assert result.key_id is not None
    return result.key_id


async def receive(ctx: AppContext, intake: Intake, request: InboxRequest) -> None:
    """Verify and queue one activity; raises :class:`Rejection` for any other answer than 202."""
    activity_uri, kind, actor_uri = identify(request.activity, request.body)
    if not await ctx.is_domain_allowed(authority_of(actor_uri)):
        raise Rejection(403, "this server does not federate with your domain")
    recipient_id = await recipient_of(ctx, request)
    key_id = await verify(ctx, request, kind, actor_uri)
    signature_input = any(name.lower() == "signature-input" for name, _ in request.headers)
    item = IncomingItem(
        activity_uri,
        kind,
        actor_uri,
        recipient_id,
        request.body.decode("utf-8"),
        "rfc9421" if signature_input else "cavage",
        key_id,
        authority_of(actor_uri),
    )
    new = await intake.enqueue(item)
    record_inbox_request("accepted" if new else "duplicate", kind)
