"""The inbox endpoints: verify, then store durably, then answer 202 (DESIGN.md §3 "In").

``POST /inbox`` (shared) and ``POST /{users,groups}/NAME/inbox``: content type → size limit →
JSON → origin → instance policy → HTTP signature → key owner is the actor → queue → 202.
Nothing is processed here, and nothing unverified is queued.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.verify import Reason, verify_with_lookup
from federation.vocabulary.base import id_of
from fediverse.bodies import BodyTooLarge, InvalidJSON, parse_json_object, read_body
from fediverse.context import AppContext, context
from fediverse.metrics import record_inbox_request
from fediverse.remote import authority_of
from fediverse.storage.queries import load_queries
from inbox.intake import IncomingItem, Intake

Q = load_queries("inbox")
QC = load_queries("fediverse")

AS2_TYPES = ("application/activity+json", "application/ld+json", "application/json")
MAX_JSON_DEPTH = 64
ACCEPTED = Response(status_code=202)


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


def _refusal(rejection: Rejection) -> Response:
    record_inbox_request("accepted" if rejection.status == 202 else "rejected", rejection.metric)
    if rejection.status == 202:
        return ACCEPTED
    return JSONResponse({"error": rejection.reason}, status_code=rejection.status)


def check_content_type(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in AS2_TYPES:
        raise Rejection(415, "send application/activity+json or application/ld+json")


def identify(activity: dict[str, object], body: bytes) -> tuple[str, str, str]:
    """(activity id, type, actor id); an activity without id gets a digest-based one."""
    kind = activity.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if not isinstance(kind, str) or not kind:
        raise Rejection(400, "the activity has no type")
    actor_uri = id_of(activity.get("actor"))
    if not actor_uri or not actor_uri.startswith(("https://", "http://")):
        raise Rejection(400, "the activity has no actor")
    activity_uri = activity.get("id")
    if activity_uri is None:
        return "urn:sha256:" + hashlib.sha256(body).hexdigest(), kind, actor_uri
    if not isinstance(activity_uri, str):
        raise Rejection(400, "the activity id is not a string")
    if authority_of(activity_uri) != authority_of(actor_uri):
        raise Rejection(400, "the activity id and its actor are on different hosts")
    return activity_uri, kind, actor_uri


async def recipient_of(request: Request, ctx: AppContext) -> int | None:
    name = request.path_params.get("name")
    if name is None:
        return None
    async with ctx.pool.acquire() as conn:
        record = await conn.fetchrow(QC["get_local_actor_by_name"], name)
    prefix = request.url.path.split("/", 2)[1]
    if record is None or {"users": "Person", "groups": "Group"}[prefix] != record["type"]:
        raise Rejection(404, f"no inbox for {name!r} here")
    return int(record["id"])


async def verify(
    request: Request,
    ctx: AppContext,
    body: bytes,
    kind: str,
    activity: dict[str, object],
    actor_uri: str,
) -> str:
    """The verified key id; a Rejection (401) otherwise."""
    assert ctx.remote is not None
    target_uri = ctx.urls.request_uri(request.url.path, request.url.query)
    result = await verify_with_lookup(
        "POST", target_uri, request.headers.items(), body, ctx.remote.lookup_key,
        datetime.now(UTC), ctx.settings.signature_window_seconds,
    )  # fmt: skip
    if not result.ok:
        assert result.reason is not None
        if kind == "Delete" and id_of(activity.get("object")) == actor_uri and result.reason in (
            Reason.KEY_NOT_FOUND, Reason.KEY_UNAVAILABLE,
        ):  # fmt: skip
            # An account deleting itself: its key is gone with it, and we never knew it.
            raise Rejection(202, "", "self_delete_unknown_actor")
        raise Rejection(401, f"signature not accepted: {result.reason.value}",
                        result.reason.value)  # fmt: skip
    if result.owner_uri != actor_uri:
        raise Rejection(401, f"signed by {result.owner_uri}, not by the activity's actor",
                        "signer_not_actor")  # fmt: skip
    assert result.key_id is not None
    return result.key_id


async def receive(request: Request) -> Response:
    ctx = context(request)
    try:
        check_content_type(request)
        body = await read_body(request, ctx.settings.max_body_bytes)
        activity = parse_json_object(body)
        activity_uri, kind, actor_uri = identify(activity, body)
        if not await ctx.is_domain_allowed(authority_of(actor_uri)):
            raise Rejection(403, "this server does not federate with your domain")
        recipient_id = await recipient_of(request, ctx)
        key_id = await verify(request, ctx, body, kind, activity, actor_uri)
    except BodyTooLarge as exc:
        return _refusal(Rejection(413, str(exc)))
    except InvalidJSON as exc:
        return _refusal(Rejection(400, str(exc)))
    except Rejection as rejection:
        return _refusal(rejection)
    scheme = "rfc9421" if "signature-input" in request.headers else "cavage"
    item = IncomingItem(activity_uri, kind, actor_uri, recipient_id, body.decode("utf-8"),
                        scheme, key_id, authority_of(actor_uri))  # fmt: skip
    new = await intake_of(ctx).enqueue(item)
    record_inbox_request("accepted" if new else "duplicate", kind)
    return ACCEPTED


def intake_of(ctx: AppContext) -> Intake:
    """The process's intake batcher (made on first use, on the serving event loop)."""
    intake = ctx.services.get("intake")
    if intake is None:
        intake = ctx.services["intake"] = Intake(ctx.pool)
    assert isinstance(intake, Intake)
    return intake


routes = [
    Route("/inbox", receive, methods=["POST"]),
    Route("/actor/inbox", receive, methods=["POST"]),
    Route("/users/{name}/inbox", receive, methods=["POST"]),
    Route("/groups/{name}/inbox", receive, methods=["POST"]),
]
