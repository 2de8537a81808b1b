"""What every activity we build shares: ids minted under our domain, the time, the context."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from community.render import AS_CONTEXT
from community.urls import Urls


def new_activity_uri(urls: Urls) -> str:
    return urls.activity_uri(str(uuid.uuid4()))


def new_object_uri(urls: Urls) -> str:
    return urls.object_uri(str(uuid.uuid4()))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def activity(urls: Urls, kind: str, actor_uri: str, obj: Any, **fields: Any) -> dict[str, Any]:
    """An activity of ours: context, a fresh id, type, actor, object, then ``fields`` in order."""
    return {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": kind,
        "actor": actor_uri,
        "object": obj,
        **fields,
    }


def embedded(document: dict[str, Any]) -> dict[str, Any]:
    """A document as embedded in another: without its own ``@context``."""
    return {k: v for k, v in document.items() if k != "@context"}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
