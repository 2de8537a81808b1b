"""Names of local people and groups: Mastodon's rule, one shared namespace."""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 30
_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")

# Names that would shadow our own pages or confuse people.
RESERVED_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "system",
        "actor",
        "instance",
        "inbox",
        "outbox",
        "api",
        "oauth",
        "well_known",
        "nodeinfo",
        "settings",
        "about",
        "moderator",
        "moderators",
        "support",
        "postmaster",
        "webmaster",
        "hostmaster",
        "abuse",
        "security",
        "null",
        "undefined",
    }
)


class InvalidName(ValueError):
    """A name that breaks the rule; ``str()`` says which part."""


def validate_name(name: str) -> str:
    """Return ``name`` unchanged if a local person or group may have it, else raise."""
    if not name:
        raise InvalidName("a name cannot be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"{name!r} is longer than {MAX_NAME_LENGTH} characters")
    if not _NAME_RE.match(name):
        raise InvalidName(
            f"{name!r} may contain only letters, digits and underscores (a-z, 0-9, _)"
        )
    if name.lower() in RESERVED_NAMES:
        raise InvalidName(f"{name!r} is reserved")
    return name
