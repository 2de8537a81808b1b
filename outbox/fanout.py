"""Sending an activity: store it and its fan-out in the caller's transaction (the outbox).

Nothing here talks HTTP. :func:`send_activity` writes the activity row and one delivery row
per distinct target inbox in one ``INSERT … SELECT`` (shared inboxes preferred, our own host,
local actors, unavailable hosts and gone inboxes left out); local recipients get ONE
``inbox_items`` row instead, processed by the inbox worker as if it had come over HTTP. A
``NOTIFY`` wakes the delivery workers when the transaction commits; if it rolls back, nothing
was ever queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from community.actors import Actor
from community.software import software_excluded_from
from community.storage.database import Conn
from community.storage.queries import load_queries
from outbox.errors import OutboxError

Q = load_queries("outbox")

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_PUBLIC_FORMS = {PUBLIC, "as:Public", "Public"}


async def send_activity(
    conn: Conn,
    sender: Actor,
    activity: dict[str, Any],
    *,
    to_followers_of: Actor | None = None,
    to_actors: Sequence[Actor | str] = (),
    to_inboxes: Sequence[str] = (),
) -> int:
    """Store ``activity`` (serialised once) and queue it; return how many deliveries were queued.

    Call it inside your transaction. ``to_followers_of`` fans out to that local actor's
    accepted followers; ``to_actors`` are actors (or their URIs: remote ones must already be
    in ``actors``, unknown URIs are skipped); ``to_inboxes`` are inbox URLs as they are.
    """
    body = orjson.dumps(activity).decode()
    return await send_raw(
        conn,
        sender,
        body,
        activity=activity,
        to_followers_of=to_followers_of,
        to_actors=to_actors,
        to_inboxes=to_inboxes,
    )


async def send_raw(
    conn: Conn,
    sender: Actor,
    body: str,
    *,
    activity: dict[str, Any] | None = None,
    to_followers_of: Actor | None = None,
    to_actors: Sequence[Actor | str] = (),
    to_inboxes: Sequence[str] = (),
    follower_family: str | None = None,
    listed: bool | None = None,
    form: str | None = None,
) -> int:
    """As :func:`send_activity`, for a body whose exact text must be kept (forwarding, wraps).

    ``activity`` is the parsed ``body`` when the caller has it (saves parsing it again).
    ``follower_family`` (``"fep1b12"`` or ``"microblog"``) narrows ``to_followers_of`` to the
    servers that understand that announce form (:mod:`community.software`; unknown software
    gets both; our own local followers take the FEP-1b12 form). ``listed`` says whether the
    activity appears in the sender's outbox (default: when addressed to the public); ``form``
    records which announce form it is.
    """
    if not sender.local:
        raise OutboxError(f"only our own actors send activities, not {sender.uri}")
    parsed = activity if activity is not None else _parse(body)
    uri, activity_type = _required(parsed, "id"), _required(parsed, "type")
    async with conn.transaction():
        activity_id = await conn.fetchval(
            Q["upsert_activity"],
            uri,
            activity_type,
            sender.id,
            object_uri_of(parsed),
            body,
            is_public(parsed) if listed is None else listed,
            form,
        )
        actor_uris = [a if isinstance(a, str) else a.uri for a in to_actors]
        followee_id = to_followers_of.id if to_followers_of is not None else None
        status = await conn.execute(
            Q["insert_deliveries"],
            activity_id,
            sender.id,
            followee_id,
            actor_uris,
            list(to_inboxes),
            sender.domain.lower(),
            software_excluded_from(follower_family),
        )
        queued = int(status.rsplit(" ", 1)[-1])
        local_followee = None if follower_family == "microblog" else followee_id
        if await _has_local_recipients(conn, sender, local_followee, actor_uris, to_inboxes):
            await conn.execute(Q["insert_local_inbox_item"], uri, activity_type, sender.uri, body)
        if queued:
            await conn.execute(Q["notify_deliveries"])
    return queued


async def mark_host_alive(conn: Conn, *hosts: str) -> None:
    """These hosts sent us signed requests: they are up, so clear "unavailable" and breakers.

    Costs one indexed ``UPDATE`` that writes nothing when there is nothing to clear, so the
    inbox may call it for every batch of verified requests.
    """
    await conn.execute(Q["mark_host_alive"], sorted({host.lower() for host in hosts}))


async def _has_local_recipients(
    conn: Conn,
    sender: Actor,
    followee_id: int | None,
    actor_uris: list[str],
    to_inboxes: Sequence[str],
) -> bool:
    own = f"://{sender.domain.lower()}/"
    if any(own in inbox.lower() for inbox in to_inboxes):
        return True
    if followee_id is None and not actor_uris:
        return False
    return bool(await conn.fetchval(Q["has_local_recipients"], sender.id, followee_id, actor_uris))


def _parse(body: str) -> dict[str, Any]:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise OutboxError(f"the activity is not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise OutboxError("the activity is not a JSON object")
    return parsed


def _required(activity: dict[str, Any], name: str) -> str:
    value = activity.get(name)
    if not isinstance(value, str) or not value:
        raise OutboxError(f"the activity has no {name!r}")
    return value


def object_uri_of(activity: dict[str, Any]) -> str | None:
    """The ``object`` of an activity as a URI, whether it is embedded or a bare id."""
    obj = activity.get("object")
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return str(obj["id"])
    return None


def is_public(activity: dict[str, Any]) -> bool:
    """Whether the activity is addressed to the public collection (``to`` or ``cc``)."""
    for field in ("to", "cc"):
        value = activity.get(field)
        values = value if isinstance(value, list) else [value]
        if any(v in _PUBLIC_FORMS for v in values if isinstance(v, str)):
            return True
    return False
