"""Content negotiation: Activity Streams for machines, HTML for people."""

from __future__ import annotations

from typing import Literal

AS2_MEDIA_TYPE = "application/activity+json"
LD_MEDIA_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

Representation = Literal["as2", "html"]

_AS2_TYPES = {"application/activity+json", "application/ld+json", "application/json"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


class NotAcceptable(ValueError):
    """The Accept header asks for nothing we can serve (or cannot be read)."""


def _parse(accept: str) -> list[tuple[str, float, int]]:
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        if media.count("/") != 1:
            raise NotAcceptable(f"cannot read media range {media!r} in Accept")
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    raise NotAcceptable(f"bad quality value {value!r} in Accept") from None
        ranges.append((media.lower(), quality, position))
    return ranges


def choose_representation(accept: str | None) -> Representation:
    """Pick AS2 or HTML for an ``Accept`` header; HTML when there is none or ``*/*`` wins."""
    if not accept or not accept.strip():
        return "html"
    best: tuple[tuple[float, int, int], Representation] | None = None
    for media, quality, position in _parse(accept):
        if quality <= 0:
            continue
        if media in _AS2_TYPES:
            choice: Representation = "as2"
        elif media in _HTML_TYPES or media in {"*/*", "text/*"}:
            choice = "html"
        else:
            continue
        # Highest quality wins; on a tie AS2 (servers that ask for AS2 mean it), then order.
        rank = (quality, 1 if choice == "as2" else 0, -position)
        if best is None or rank > best[0]:
            best = (rank, choice)
    if best is None:
        raise NotAcceptable(
            "we serve application/activity+json, application/ld+json or text/html; "
            f"Accept asks for {accept[:100]!r}"
        )
    return best[1]
