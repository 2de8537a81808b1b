"""Activity Streams 2.0 constants and media types.

``AS_PUBLIC``: AS2 Vocabulary §5.6 / ActivityPub §5.6 public addressing, also written
``as:Public`` or ``Public`` in compacted JSON-LD. Media types: ActivityPub §3.2 (clients must
accept ``application/ld+json; profile="https://www.w3.org/ns/activitystreams"`` and
``application/activity+json``), AS2 Core §2.
"""

from __future__ import annotations

from collections.abc import Iterable

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_PUBLIC_FORMS = frozenset({AS_PUBLIC, "as:Public", "Public"})

AS2_MEDIA_TYPE = "application/activity+json"
LD_JSON_MEDIA_TYPE = f'application/ld+json; profile="{AS_CONTEXT}"'
#: The ``Accept`` header for fetching AS2 documents.
ACCEPT_AS2 = f"{AS2_MEDIA_TYPE}, {LD_JSON_MEDIA_TYPE}"


def is_as2_media_type(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` names an AS2 document: ``application/activity+json`` or
    ``application/ld+json`` (with or without the AS2 profile), parameters allowed."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in (AS2_MEDIA_TYPE, "application/ld+json")


def is_public(addressing: Iterable[str]) -> bool:
    """Whether an addressing list (``to`` + ``cc`` ids) includes the public collection."""
    return any(address in _PUBLIC_FORMS for address in addressing)
