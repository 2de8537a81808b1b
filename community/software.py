"""Which announce form a server understands, by its NodeInfo ``software.name``.

DESIGN.md §3: FEP-1b12 community software gets ``Announce{activity}``; microblogs get a plain
``Announce{object}`` of top-level posts; anything else (or unknown) gets both.
"""

from __future__ import annotations

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
