"""NodeInfo client: which software a server runs, and its instance actor.

NodeInfo discovery (https://github.com/jhass/nodeinfo/blob/main/PROTOCOL.md): GET
``/.well-known/nodeinfo``, a JRD whose ``links`` carry ``rel`` =
``http://nodeinfo.diaspora.software/ns/schema/<version>``; we follow the highest 2.x and read
``software.name`` / ``software.version``. FEP-2677 (https://codeberg.org/fediverse/fep/src/branch/main/fep/2677/fep-2677.md)
adds a link with ``rel`` = ``https://www.w3.org/ns/activitystreams#Application`` naming the
instance actor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from federation.errors import ResolutionError
from federation.fetch import ACCEPT_JSON, Fetcher

NODEINFO_REL_PREFIX = "http://nodeinfo.diaspora.software/ns/schema/"
APPLICATION_ACTOR_REL = "https://www.w3.org/ns/activitystreams#Application"
_VERSION = re.compile(r"^2\.(\d+)$")


@dataclass(frozen=True, slots=True)
class Software:
    """``software.name`` (lower-cased, as NodeInfo requires) and ``version``, plus the
    FEP-2677 application actor when the server announces one."""

    name: str
    version: str | None
    application_actor_uri: str | None = None


def pick_nodeinfo_link(jrd: dict[str, Any]) -> str | None:
    """The ``href`` of the highest NodeInfo 2.x schema link."""
    best: tuple[int, str] | None = None
    for link in _links(jrd):
        rel, href = link.get("rel"), link.get("href")
        if not isinstance(rel, str) or not isinstance(href, str):
            continue
        match = _VERSION.match(rel.removeprefix(NODEINFO_REL_PREFIX))
        if rel.startswith(NODEINFO_REL_PREFIX) and match:
            minor = int(match.group(1))
            if best is None or minor > best[0]:
                best = (minor, href)
    return best[1] if best else None


def find_application_actor(jrd: dict[str, Any]) -> str | None:
    """The FEP-2677 instance actor link, if present."""
    for link in _links(jrd):
        href = link.get("href")
        if link.get("rel") == APPLICATION_ACTOR_REL and isinstance(href, str):
            return href
    return None


def parse_software(document: dict[str, Any]) -> tuple[str, str | None]:
    """``(name, version)`` from a NodeInfo 2.x document."""
    software = document.get("software")
    name = software.get("name") if isinstance(software, dict) else None
    if not isinstance(name, str) or not name:
        raise ResolutionError("NodeInfo without software.name")
    version = software.get("version") if isinstance(software, dict) else None
    return name.lower(), version if isinstance(version, str) else None


async def fetch_software(fetcher: Fetcher, base_url: str) -> Software:
    """Discover and read NodeInfo at ``base_url`` (e.g. ``https://lemmy.example``)."""
    well_known = base_url.rstrip("/") + "/.well-known/nodeinfo"
    discovery = await fetcher.fetch_json(well_known, accept=ACCEPT_JSON)
    href = pick_nodeinfo_link(discovery.json)
    if href is None:
        raise ResolutionError("no NodeInfo 2.x link", url=discovery.url)
    document = await fetcher.fetch_json(href, accept=ACCEPT_JSON)
    name, version = parse_software(document.json)
    return Software(name, version, find_application_actor(discovery.json))


def _links(jrd: dict[str, Any]) -> list[dict[str, Any]]:
    links = jrd.get("links")
    return [link for link in links if isinstance(link, dict)] if isinstance(links, list) else []
