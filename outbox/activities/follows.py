"""Follows, answers and blocks: ``Follow``, ``Accept``/``Reject`` (embedding what they answer),
``Undo``, a person's ``Block``.

``Accept``/``Reject`` embed the activity they answer, as Lemmy requires (DESIGN.md §4). An
``Undo`` embeds the undone activity; one we no longer hold whole is rebuilt from its stored row
by :func:`stored_activity`, under the id its receivers know it by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from community.actors import Actor
from community.urls import Urls
from outbox.activities.base import activity, as_list, embedded, new_activity_uri, now_iso


def build_follow(urls: Urls, follower: Actor, followee_uri: str) -> dict[str, Any]:
    return activity(urls, "Follow", follower.uri, followee_uri, to=[followee_uri], cc=[])


def build_response(
    urls: Urls,
    actor: Actor,
    kind: str,
    answered: dict[str, Any],
    to_uri: str,
    summary: str | None = None,
) -> dict[str, Any]:
    """``Accept`` or ``Reject`` of ``answered`` (embedded), to ``to_uri``, with a reason."""
    response = activity(
        urls, kind, actor.uri, embedded(answered), to=[to_uri], cc=[], published=now_iso()
    )
    if summary:
        response["summary"] = summary
    return response


def build_undo(
    urls: Urls,
    actor: Actor,
    undone: dict[str, Any],
    *,
    to: Sequence[str | None] | None = None,
    cc: Sequence[str | None] | None = None,
) -> dict[str, Any]:
    """``Undo`` of ``undone`` (embedded), addressed as it was unless ``to``/``cc`` say else."""
    return activity(
        urls,
        "Undo",
        actor.uri,
        embedded(undone),
        to=as_list(undone.get("to")) if to is None else list(to),
        cc=as_list(undone.get("cc")) if cc is None else list(cc),
    )


def stored_activity(
    urls: Urls, activity_uri: str | None, kind: str, actor: Actor, object_uri: str
) -> dict[str, Any]:
    """The activity a stored follow, vote or share stands for (as its receivers know it)."""
    return {
        "id": activity_uri or new_activity_uri(urls),
        "type": kind,
        "actor": actor.uri,
        "object": object_uri,
    }


def build_block(urls: Urls, person: Actor, target: Actor) -> dict[str, Any]:
    """A person's ``Block`` of an account, as Mastodon sends it
    (``app/serializers/activitypub/block_serializer.rb``: the blocked account as ``object``)."""
    return activity(
        urls, "Block", person.uri, target.uri, to=[target.uri], cc=[], published=now_iso()
    )
