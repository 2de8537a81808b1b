"""What polls send: a vote as Mastodon sends it, and the ``Update`` of a post (an edit, or a
poll's new counts).

A vote is a ``Create`` of a ``Note`` whose ``name`` is the chosen option and whose
``inReplyTo`` is the poll, addressed to the poll's author alone, one per choice
(``app/serializers/activitypub/vote_serializer.rb`` of mastodon/mastodon, ids included:
``ACTOR#votes/ID`` and ``ACTOR#votes/ID/activity``). A poll's author tells its followers, the
accounts it mentions and its voters the new counts with an ``Update`` of the ``Question``
(``app/workers/activitypub/distribute_poll_update_worker.rb``).
"""

from __future__ import annotations

import uuid
from typing import Any

from community.actors import Actor
from community.polls import Poll, question_fields
from community.render import AS_CONTEXT, NOTE_CONTEXT
from community.urls import Urls
from outbox.activities.base import activity, embedded


def build_poll_vote(
    voter: Actor, question_uri: str, author_uri: str, option: str
) -> dict[str, Any]:
    """One choice of ``voter`` in the poll ``question_uri``, for its author."""
    note_uri = f"{voter.uri}#votes/{uuid.uuid4()}"
    note = {
        "id": note_uri,
        "type": "Note",
        "name": option,
        "attributedTo": voter.uri,
        "inReplyTo": question_uri,
        "to": author_uri,
    }
    return {
        "@context": AS_CONTEXT,
        "id": f"{note_uri}/activity",
        "type": "Create",
        "actor": voter.uri,
        "to": author_uri,
        "object": note,
    }


def with_counts(question: dict[str, Any], poll: Poll) -> dict[str, Any]:
    """The ``Question`` with the poll's counts now (its other fields as they were)."""
    fresh = {k: v for k, v in question.items() if k not in ("oneOf", "anyOf", "closed")}
    voters = poll.voters_count if poll.voters_count is not None else poll.votes_count
    fresh.update(
        question_fields(
            poll.options,
            poll.counts,
            multiple=poll.multiple,
            end_time=poll.expires_at,
            voters_count=voters,
        )
    )
    return fresh


def build_update(urls: Urls, author: Actor, note: dict[str, Any]) -> dict[str, Any]:
    """``Update`` of one of ``author``'s posts (edited, or a poll's new counts), addressed as
    the post is."""
    update = activity(
        urls,
        "Update",
        author.uri,
        embedded(note),
        to=note.get("to", []),
        cc=note.get("cc", []),
    )
    update["@context"] = NOTE_CONTEXT
    return update
