"""Which announce form a server understands, by its NodeInfo ``software.name``.

DESIGN.md §3: FEP-1b12 community software gets ``Announce{activity}``; microblogs get a plain
``Announce{object}`` of top-level posts; anything else (or unknown) gets both.

And which servers may receive a private community's posts at all (:func:`private_support`,
docs/private-communities.md): only software that keeps them to the members; any other server
receives nothing private rather than a leak.
"""

from __future__ import annotations

import re
from typing import Literal

FEP1B12_SOFTWARE = frozenset(
    {"lemmy", "piefed", "mbin", "kbin", "nodebb", "friendica", "discourse", "lotide", "fediverse"}
)
MICROBLOG_SOFTWARE = frozenset(
    {
        "mastodon",
        "akkoma",
        "pleroma",
        "misskey",
        "sharkey",
        "firefish",
        "iceshrimp",
        "calckey",
        "foundkey",
        "catodon",
        "gotosocial",
        "hometown",
        "takahe",
        "mitra",
        "hollo",
        "snac",
        "honk",
        "gnusocial",
    }
)

FAMILIES = {"fep1b12": FEP1B12_SOFTWARE, "microblog": MICROBLOG_SOFTWARE}


def software_excluded_from(family: str | None) -> list[str]:
    """Software names whose servers must NOT get an activity meant for ``family``."""
    if family is None:
        return []
    other = "microblog" if family == "fep1b12" else "fep1b12"
    return sorted(FAMILIES[other])


#: Why a member's server does or does not receive a private community's posts (a closed set;
#: the moderators' API and CLI show it, the group's page explains it to the member).
PrivateReason = Literal[
    "supported", "too_old", "microblog", "ignores_addressing", "unknown_software"
]
PRIVATE_REASONS: dict[PrivateReason, str] = {
    "supported": "its software keeps a private community's posts to its members",
    "too_old": "its version of the software shows a private community's posts publicly",
    "microblog": "a microblog cannot receive a members-only boost without showing it publicly",
    "ignores_addressing": "its software shows a community's posts whatever their addressing",
    "unknown_software": "we do not know its software, so we cannot know it keeps them private",
}
#: Software that keeps a private community's posts to its members, from which version
#: (major, minor). Ours; Lemmy since 1.0, whose ``CommunityVisibility`` gained ``Private``
#: (0.19 has only ``Public`` and ``LocalOnly``: MV-GH/LemmyBackwardsCompatibleAPI,
#: datatypes of v0x19 and v1/x0; LemmyNet/lemmy crates/apub/apub/src/http/mod.rs,
#: ``check_community_content_fetchable``, is its fetch check).
PRIVATE_SOFTWARE: dict[str, tuple[int, int]] = {"fediverse": (0, 0), "lemmy": (1, 0)}


def private_support(name: str | None, version: str | None) -> PrivateReason:
    """Whether a server running ``name`` ``version`` (its NodeInfo) may receive a private
    community's posts (``supported``), or why not. Unknown software receives nothing."""
    software = (name or "").lower()
    if software in PRIVATE_SOFTWARE:
        return "supported" if _version(version) >= PRIVATE_SOFTWARE[software] else "too_old"
    if software in MICROBLOG_SOFTWARE:
        return "microblog"
    if software in FEP1B12_SOFTWARE:
        return "ignores_addressing"
    return "unknown_software"


def _version(version: str | None) -> tuple[int, int]:
    """``major.minor`` of a version string (``1.0.0-beta.2``: (1, 0)); (0, 0) when unreadable."""
    parts = re.findall(r"\d+", version or "")[:2]
    numbers = [int(p) for p in parts] + [0, 0]
    return numbers[0], numbers[1]


def receiving_software() -> list[str]:
    """The software that receives private communities' posts, as people read it."""
    return [
        name if minimum == (0, 0) else f"{name} {minimum[0]}.{minimum[1]} or later"
        for name, minimum in sorted(PRIVATE_SOFTWARE.items())
    ]
