"""A group's governance as activities: proposals and votes (the log's items), and changes of the
moderator team in Lemmy's shapes.

* A proposal is an ``Offer`` by its proposer whose ``object`` is the proposed act itself, with
  the reason in ``summary`` and its expiry in ``endTime``; a vote is an ``Accept`` or ``Reject``
  of the proposal (AS2 Vocabulary: "Accept: the actor accepts the object").
* A change of the team is ``Add`` / ``Remove`` of the person with ``target`` = the group's
  moderators collection (``attributedTo``), addressed as Lemmy sends it
  (``LemmyNet/lemmy`` ``crates/apub/apub/assets/lemmy/activities/community/add_mod.json``,
  ``remove_mod.json``): by the moderator who acted (what FEP-1b12 followers get wrapped), and
  by the group itself (what the person concerned and the moderators' servers get).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from community.actors import Actor
from community.render import AS_PUBLIC, iso
from community.urls import Urls
from outbox.activities.base import activity, embedded, now_iso


def in_group(group: Actor) -> dict[str, Any]:
    """How Lemmy addresses an act in a community: to the public, cc and audience the group."""
    return {"to": [AS_PUBLIC], "cc": [group.uri], "audience": group.uri}


def build_proposal(
    uri: str, proposer: Actor, act: dict[str, Any], reason: str, expires_at: datetime
) -> dict[str, Any]:
    """The ``Offer`` of an act to the other moderators (the proposal's item on the log)."""
    offer: dict[str, Any] = {
        "id": uri,
        "type": "Offer",
        "actor": proposer.uri,
        "object": embedded(act),
        "published": now_iso(),
        "endTime": iso(expires_at),
    }
    if reason:
        offer["summary"] = reason
    return offer


def build_vote(urls: Urls, voter: Actor, proposal_uri: str, *, approve: bool) -> dict[str, Any]:
    """A moderator's ``Accept`` (approval) or ``Reject`` (refusal) of a proposal."""
    kind = "Accept" if approve else "Reject"
    return activity(urls, kind, voter.uri, proposal_uri, published=now_iso())


def build_team_change(
    urls: Urls, actor: Actor, group: Actor, person_uri: str, *, added: bool, reason: str = ""
) -> dict[str, Any]:
    """``Add`` / ``Remove`` of ``person_uri`` to / from the group's moderators, by ``actor``."""
    change = activity(
        urls,
        "Add" if added else "Remove",
        actor.uri,
        person_uri,
        target=group.moderators_uri,
        **in_group(group),
        published=now_iso(),
    )
    if reason:
        change["summary"] = reason
    return change
