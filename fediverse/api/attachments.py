"""What a status carries besides its text, as Mastodon entities: media attachments and polls
(``app/serializers/rest/media_attachment_serializer.rb`` and ``rest/poll_serializer.rb`` of
mastodon/mastodon)."""

from __future__ import annotations

from typing import Any

from community.media import Media
from community.polls import PollView
from community.render import iso

JSON = dict[str, Any]


def _size(width: int | None, height: int | None) -> JSON | None:
    if not width or not height:
        return None
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}


def render_media(media: Media) -> JSON:
    """A ``MediaAttachment``: ours with our URLs; others' linked where they live."""
    meta: JSON = {}
    original = _size(media.width, media.height)
    small = _size(media.preview_width, media.preview_height)
    if original:
        meta["original"] = original
    if small:
        meta["small"] = small
    if media.focus_x is not None and media.focus_y is not None:
        meta["focus"] = {"x": media.focus_x, "y": media.focus_y}
    return {
        "id": str(media.id),
        "type": media.type,
        "url": media.url,
        "preview_url": media.preview_url,
        "remote_url": None if media.local else media.url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": media.description or None,
        "blurhash": media.blurhash,
    }


def render_poll(view: PollView, viewer_id: int | None, author_id: int) -> JSON:
    """A ``Poll``; hidden totals are null until it ends, except for its author."""
    poll = view.poll
    hidden = poll.hide_totals and not poll.expired and viewer_id != author_id
    options = [
        {"title": title, "votes_count": None if hidden else count}
        for title, count in zip(poll.options, poll.counts, strict=True)
    ]
    rendered: JSON = {
        "id": str(poll.post_id),
        "expires_at": iso(poll.expires_at) if poll.expires_at else None,
        "expired": poll.expired,
        "multiple": poll.multiple,
        "votes_count": poll.votes_count,
        "voters_count": poll.voters_count if poll.multiple else poll.votes_count,
        "options": options,
        "emojis": [],
    }
    if viewer_id is not None:
        rendered["voted"] = bool(view.own_votes) or viewer_id == author_id
        rendered["own_votes"] = list(view.own_votes)
    return rendered
