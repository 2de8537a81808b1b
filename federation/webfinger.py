"""WebFinger client: from ``@name@host`` to an actor URI.

RFC 7033 §4 (the query, ``/.well-known/webfinger?resource=…``), §4.4 (the JRD and its
``links``), RFC 7565 (the ``acct:`` URI). The ``self`` link with an AS2 media type names the
actor (https://docs.joinmastodon.org/spec/webfinger/). Client side only: serving our own
JRD lives elsewhere.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlencode

from federation.errors import InvalidHandle, ResolutionError
from federation.fetch import ACCEPT_JRD, Fetcher
from federation.origins import is_valid_url
from federation.vocabulary.constants import is_as2_media_type

_NAME = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=%-]+$")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+(?::\d{1,5})?$")


def parse_handle(handle: str) -> tuple[str, str]:
    """Split ``@name@host``, ``name@host`` or ``acct:name@host`` into ``(name, host)``.

    The host is lower-cased and may carry a port (``localhost:8000``). Raises
    :class:`InvalidHandle` naming what is wrong.
    """
    text = handle.strip()
    if text.lower().startswith("acct:"):
        text = text[5:]
    text = text.removeprefix("@")
    name, at, host = text.rpartition("@")
    if not at:
        raise InvalidHandle("a handle needs a name and a host: name@host", detail=handle)
    if not name or "@" in name or not _NAME.match(name):
        raise InvalidHandle("the name part is empty or has characters not allowed", detail=handle)
    if not host or not _HOST.match(host) or len(host) > 261:
        raise InvalidHandle("the host part is not a host name", detail=handle)
    return name, host.lower()


def webfinger_url(name: str, host: str, scheme: Literal["https", "http"] = "https") -> str:
    """The RFC 7033 §4 query URL for ``acct:name@host``."""
    return f"{scheme}://{host}/.well-known/webfinger?" + urlencode(
        {"resource": f"acct:{name}@{host}"}
    )


def find_actor_link(jrd: dict[str, Any]) -> str | None:
    """The ``href`` of the JRD's ``rel="self"`` link with an AS2 media type, if any (an
    ``href`` that is not an http(s) URL :mod:`federation.origins` accepts is skipped)."""
    links = jrd.get("links")
    if not isinstance(links, list):
        return None
    for link in links:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        href, media_type = link.get("href"), link.get("type")
        if not isinstance(href, str) or not isinstance(media_type, str):
            continue
        if is_valid_url(href) and is_as2_media_type(media_type):
            return href
    return None


async def resolve_handle(
    fetcher: Fetcher, handle: str, *, scheme: Literal["https", "http"] = "https"
) -> str:
    """Resolve a handle to its actor URI through WebFinger (``http`` only for loopback
    tests). Raises :class:`InvalidHandle`, :class:`ResolutionError` or a fetch error."""
    name, host = parse_handle(handle)
    document = await fetcher.fetch_json(webfinger_url(name, host, scheme), accept=ACCEPT_JRD)
    actor_uri = find_actor_link(document.json)
    if actor_uri is None:
        raise ResolutionError("no ActivityPub self link", url=document.url, detail=handle)
    return actor_uri
