"""Building the activities our actors send (AS2 JSON), with ids minted under our domain.

Shapes follow what the receivers check (DESIGN.md §4): ``Accept``/``Reject`` embed the
``Follow`` they answer; our activities carry both ``to`` and ``cc``; group announces carry
``audience``. Lemmy's examples (``LemmyNet/lemmy`` ``crates/apub/apub/assets/lemmy/activities``)
are the reference for the FEP-1b12 forms.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from community.actors import Actor
from community.render import AS_CONTEXT, AS_PUBLIC
from community.storage.queries import load_queries
from community.urls import Urls

Q = load_queries("community")


def new_activity_uri(urls: Urls) -> str:
    return urls.activity_uri(str(uuid.uuid4()))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_response(
    urls: Urls, actor: Actor, kind: str, follow: dict[str, Any], follower_uri: str
) -> dict[str, Any]:
    """``Accept`` or ``Reject`` of a Follow, embedding the Follow (Lemmy requires it)."""
    embedded = {k: v for k, v in follow.items() if k != "@context"}
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": kind,
        "actor": actor.uri,
        "object": embedded,
        "to": [follower_uri],
        "cc": [],
        "published": now_iso(),
    }


def build_follow(urls: Urls, follower: Actor, followee_uri: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Follow",
        "actor": follower.uri,
        "object": followee_uri,
        "to": [followee_uri],
        "cc": [],
    }


def build_undo(urls: Urls, actor: Actor, activity: dict[str, Any]) -> dict[str, Any]:
    embedded = {k: v for k, v in activity.items() if k != "@context"}
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Undo",
        "actor": actor.uri,
        "object": embedded,
        "to": list(_as_list(activity.get("to"))),
        "cc": list(_as_list(activity.get("cc"))),
    }


def group_addressing(group: Actor, public: bool) -> dict[str, Any]:
    """Public groups address the world and cc their members; closed ones their members only."""
    if public:
        return {"to": [AS_PUBLIC], "cc": [group.followers_uri], "audience": group.uri}
    return {"to": [group.followers_uri], "cc": [], "audience": group.uri}


def build_announce_object(
    urls: Urls, group: Actor, object_uri: str, *, public: bool = True
) -> dict[str, Any]:
    """The microblog form: a plain boost of the object (Mastodon, Misskey, GoToSocial…)."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Announce",
        "actor": group.uri,
        "object": object_uri,
        **group_addressing(group, public),
        "published": now_iso(),
    }


def build_announce_wrapping(
    urls: Urls, group: Actor, received_body: str, *, public: bool = True
) -> str:
    """The FEP-1b12 form: an ``Announce`` wrapping the received activity byte-exact.

    The envelope is serialised without ``object`` and the received JSON text is spliced in
    unchanged, so the embedded activity is exactly what its author's server sent.
    """
    envelope = {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Announce",
        "actor": group.uri,
        **group_addressing(group, public),
        "published": now_iso(),
    }
    head = orjson.dumps(envelope)
    return head[:-1].decode() + ',"object":' + received_body.strip() + "}"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
