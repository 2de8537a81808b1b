"""Bridges, recommendations and relays as activities (issue 17, FEDERATION.md "Bridges").

* A moderator's act on a bridge (what the moderation log shows): ``Add`` of the source
  community to the bridging community's ``following`` collection (making it), ``Remove`` of it
  (cutting it), ``Update`` of it with its filter; the filter travels in our namespace
  (``fediverse:bridgeFilter``, ``fediverse:bridgeWords``, ``fediverse:bridgeMuted``).
* What the bridging community itself sends: its ``Follow`` of the source (FEP-d36d's
  group-to-group follow), and ``Undo{Follow}`` when the bridge is cut.
* A recommendation: ``Add`` / ``Remove`` of a community to / from the ``recommended``
  collection of the community that recommends it.
* A relay subscription, by our instance actor: ``Follow`` of a LitePub relay's actor, or
  (Mastodon-style relays) ``Follow`` whose object is ``as:Public``, sent to the relay's inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from community import urls as u
from community.actors import Actor
from community.render import AS_PUBLIC
from community.urls import Urls
from outbox.activities.base import activity, now_iso
from outbox.activities.follows import build_follow, build_undo, stored_activity
from outbox.activities.governance import in_group


def recommended_uri(group: Actor) -> str:
    """The collection of the communities ``group`` recommends."""
    return u.endpoint_uri(group.uri, "recommended")


def _with_reason(act: dict[str, Any], reason: str) -> dict[str, Any]:
    if reason:
        act["summary"] = reason
    return act


def bridge_terms(filter_: str, words: Sequence[str], muted: Sequence[str]) -> dict[str, Any]:
    """What crosses a bridge, as the act names it."""
    return {
        "fediverse:bridgeFilter": filter_,
        "fediverse:bridgeWords": list(words),
        "fediverse:bridgeMuted": list(muted),
    }


def build_bridge_act(
    urls: Urls,
    moderator: Actor,
    group: Actor,
    source_uri: str,
    kind: str,
    terms: dict[str, Any] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """``Add`` (make), ``Remove`` (cut) or ``Update`` (filter) of the bridge from
    ``source_uri`` into ``group``: the source in the group's ``following`` collection."""
    act = activity(
        urls, kind, moderator.uri, source_uri, target=group.following_uri, **in_group(group)
    )
    act.update(terms or {})
    act["published"] = now_iso()
    return _with_reason(act, reason)


def build_recommendation(
    urls: Urls, moderator: Actor, group: Actor, other_uri: str, *, added: bool, reason: str = ""
) -> dict[str, Any]:
    """``Add`` / ``Remove`` of ``other_uri`` to / from the communities ``group`` recommends."""
    kind = "Add" if added else "Remove"
    act = activity(
        urls, kind, moderator.uri, other_uri, target=recommended_uri(group), **in_group(group)
    )
    act["published"] = now_iso()
    return _with_reason(act, reason)


def build_group_follow(urls: Urls, group: Actor, source_uri: str) -> dict[str, Any]:
    """The bridging community's ``Follow`` of the source (FEP-d36d)."""
    return build_follow(urls, group, source_uri)


def build_group_unfollow(
    urls: Urls, group: Actor, source_uri: str, follow_uri: str | None
) -> dict[str, Any]:
    """``Undo{Follow}``: the bridge is cut."""
    followed = stored_activity(urls, follow_uri, "Follow", group, source_uri)
    return build_undo(urls, group, followed, to=[source_uri], cc=[])


def build_relay_follow(urls: Urls, instance: Actor, relay_actor_uri: str | None) -> dict[str, Any]:
    """Our instance actor subscribes to a relay: ``Follow`` of its actor (LitePub), or of
    ``as:Public`` (a Mastodon-style relay, ``relay_actor_uri`` None)."""
    followed = relay_actor_uri or AS_PUBLIC
    return activity(urls, "Follow", instance.uri, followed, to=[followed], cc=[])


def build_relay_unfollow(
    urls: Urls, instance: Actor, follow_uri: str, relay_actor_uri: str | None
) -> dict[str, Any]:
    """``Undo{Follow}`` of a relay subscription."""
    followed = relay_actor_uri or AS_PUBLIC
    follow = {"id": follow_uri, "type": "Follow", "actor": instance.uri, "object": followed}
    return build_undo(urls, instance, follow, to=[followed], cc=[])
