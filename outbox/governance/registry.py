"""The registry of act kinds: each feature registers its own (docs/governance.md)."""

from __future__ import annotations

from outbox.errors import ActRefused
from outbox.governance.model import Kind

_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make ``kind`` known to :func:`outbox.governance.submit`; a name is registered once."""
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"the act kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ActRefused("invalid", f"no act of kind {name!r}") from None


def registered_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)
