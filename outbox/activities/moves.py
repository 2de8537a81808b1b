"""Moves and departures: ``Move`` of an actor, the "we moved" thread, ``Delete`` of an actor.

* An actor's ``Move`` is Mastodon's (``app/serializers/activitypub/move_serializer.rb``):
  ``actor`` = ``object`` = the old actor, ``target`` = the new one; addressed here to the
  old actor's followers. Receivers check that the target lists the old actor in
  ``alsoKnownAs`` (``app/lib/activitypub/activity/move.rb``).
* A moderator's act of moving a community (the log's item) is the same ``Move`` by the
  moderator, in the group (``to`` the public, ``cc`` and ``audience`` the group).
* The "we moved" thread is a ``Page`` in the group naming the new address, for software that
  ignores actor moves (Lemmy's family): they read it as a post.
* An account's deletion is Mastodon's ``Delete`` of the actor by itself, to the public
  (``app/serializers/activitypub/delete_actor_serializer.rb``), with Lemmy's ``removeData``
  (``crates/apub/assets/lemmy/activities/deletion/delete_user.json``): its content goes too.
"""

from __future__ import annotations

from html import escape
from typing import Any

from community.actors import Actor
from community.render import AS_PUBLIC
from community.urls import Urls
from outbox.activities.base import activity, new_object_uri, now_iso
from outbox.activities.governance import in_group


def build_move(urls: Urls, actor: Actor, target_uri: str) -> dict[str, Any]:
    """``Move`` of ``actor`` (by itself) to ``target_uri``, to its followers."""
    followers = [actor.followers_uri] if actor.followers_uri else []
    return activity(
        urls, "Move", actor.uri, actor.uri, target=target_uri, to=followers, cc=[AS_PUBLIC]
    )


def build_move_act(
    urls: Urls, moderator: Actor, group: Actor, target_uri: str, reason: str
) -> dict[str, Any]:
    """A moderator moves the community: ``Move`` of the group by them (the log's item)."""
    act = activity(urls, "Move", moderator.uri, group.uri, target=target_uri, **in_group(group))
    act["published"] = now_iso()
    if reason:
        act["summary"] = reason
    return act


def build_moved_thread(urls: Urls, author: Actor, group: Actor, target: Actor) -> dict[str, Any]:
    """The pinned thread that tells members where the community went."""
    where = target.url or target.uri
    title = f"We moved to @{target.handle}"
    content = (
        f'<p>This community moved to <a href="{escape(where)}">@{escape(target.handle)}</a>. '
        "Follow it there to keep reading and posting; this one takes no new posts.</p>"
    )
    uri = new_object_uri(urls)
    return {
        "id": uri,
        "type": "Page",
        "attributedTo": author.uri,
        "name": title,
        "content": content,
        "mediaType": "text/html",
        "to": [AS_PUBLIC],
        "cc": [group.uri, group.followers_uri],
        "audience": group.uri,
        "tag": [{"type": "Mention", "href": target.uri, "name": f"@{target.handle}"}],
        "url": uri,
        "published": now_iso(),
    }


def build_actor_deletion(urls: Urls, actor: Actor) -> dict[str, Any]:
    """``Delete`` of an actor by itself: the account is gone, with what it published."""
    deletion = activity(urls, "Delete", actor.uri, actor.uri, to=[AS_PUBLIC], cc=[])
    deletion["removeData"] = True
    return deletion
