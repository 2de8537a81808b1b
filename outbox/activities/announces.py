"""A group's announces, in the form each follower's software understands (FEP-1b12).

* The FEP-1b12 form: an ``Announce`` wrapping the received activity byte-exact (Lemmy, PieFed,
  Mbin, NodeBB, Friendica…). Lemmy's examples (``LemmyNet/lemmy``
  ``crates/apub/apub/assets/lemmy/activities``) are the reference.
* The microblog form: an ``Announce`` of the object, a boost (Mastodon, Misskey, GoToSocial…).

Both carry ``audience``, and are addressed as :mod:`community.audience` says (a private
group's to its members only, DESIGN.md §5).
"""

from __future__ import annotations

from typing import Any

import orjson

from community.actors import Actor
from community.audience import announce_addressing, announce_listed
from community.render import AS_CONTEXT
from community.urls import Urls
from outbox.activities.base import activity, new_activity_uri, now_iso
from outbox.send import Outgoing


def build_boost(urls: Urls, group: Actor, object_uri: str) -> dict[str, Any]:
    """The microblog form: a plain ``Announce`` of the object."""
    return activity(
        urls, "Announce", group.uri, object_uri, **announce_addressing(group), published=now_iso()
    )


def build_wrap(
    urls: Urls,
    group: Actor,
    received_body: str,
    received_uri: str | None,
    *,
    origin: str | None = None,
) -> Outgoing:
    """The FEP-1b12 form: an ``Announce`` wrapping the received activity byte-exact.

    The envelope is serialised without ``object`` and the received JSON text is spliced in
    unchanged, so the embedded activity is exactly what its author's server sent; the result is
    never parsed nor serialised again. ``received_uri`` is the wrapped activity's ``id``.
    ``origin`` (AS2: "from which the activity is directed") names the community a post came
    from over a bridge (docs/bridges.md).
    """
    envelope: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": new_activity_uri(urls),
        "type": "Announce",
        "actor": group.uri,
        **announce_addressing(group),
        "published": now_iso(),
    }
    if origin is not None:
        envelope["origin"] = origin
    head = orjson.dumps(envelope)
    body = head[:-1].decode() + ',"object":' + received_body.strip() + "}"
    return Outgoing(
        uri=envelope["id"],
        type="Announce",
        body=body,
        object_uri=received_uri,
        addressed_to_public=announce_listed(group),
    )
