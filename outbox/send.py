"""The one way to send: an outgoing activity with its exact body, and its audience.

Every activity our actors send (a member's post, vote or follow, a group's announce, an
``Accept`` or ``Reject``) goes through :func:`send`, inside the caller's transaction (the
transactional outbox), and nothing else writes delivery rows. :func:`send` writes, in ONE
transaction with the caller's own change:

* the ``activities`` row: the exact text we serve at the activity's id and sign (the same id
  twice is idempotent);
* one ``deliveries`` row per distinct remote inbox, in one ``INSERT … SELECT`` (shared inboxes
  preferred; our own host, local actors, unavailable hosts and gone inboxes left out; a private
  community's activities only to the hosts :func:`community.audience.delivery_scope` names);
* ONE ``inbox_items`` row (``verified_by='local'``) when a local actor other than the sender is
  a recipient;
* a ``NOTIFY`` that wakes the delivery workers when the transaction commits. If it rolls back,
  nothing was ever queued.

An :class:`Outgoing` is built once: :meth:`Outgoing.of` serialises a dict the caller holds (it
is not parsed again), :meth:`Outgoing.exact` reads a text that must be kept as it is, and a
group's byte-exact wrap (:func:`outbox.activities.build_wrap`) is built directly, never
serialised again.

The local path is on purpose. An activity for one of our own actors goes through the local
inbox queue and the same handler a remote server's activity gets: a member of a local group is
handled exactly like a member on another server. So a local post is stored twice over: once by
:func:`outbox.actions.publish` (the author sees it at once, unattached to the group, and the API
answers with it), then by the group's ``Create`` handler, which finds it stored, checks the
group's rules (member? banned? who may post?) and attaches and announces it; the second
``store_post`` writes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from community.actors import Actor
from community.audience import delivery_scope
from community.software import software_excluded_from
from community.storage.database import Conn
from community.storage.queries import load_queries
from federation.vocabulary.base import id_of, ids_of
from federation.vocabulary.constants import is_public
from outbox.errors import OutboxError

Q = load_queries("outbox")

#: Follower software that understands one announce form (``community.software``).
Family = Literal["fep1b12", "microblog"]
#: Which announce form an activity is: the FEP-1b12 wrap, or a boost of the object.
Form = Literal["fep1b12", "boost"]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An activity to send: its exact body, and what its ``activities`` row records."""

    uri: str
    type: str
    body: str
    object_uri: str | None
    addressed_to_public: bool

    @classmethod
    def of(cls, activity: Mapping[str, Any]) -> Outgoing:
        """``activity`` serialised once (the dict is read, not parsed again)."""
        return _read(activity, orjson.dumps(activity).decode())

    @classmethod
    def exact(cls, body: str) -> Outgoing:
        """A text sent exactly as it is (parsed once, to read its id and type)."""
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise OutboxError(f"the activity is not JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise OutboxError("the activity is not a JSON object")
        return _read(parsed, body)


def _read(activity: Mapping[str, Any], body: str) -> Outgoing:
    return Outgoing(
        uri=_required(activity, "id"),
        type=_required(activity, "type"),
        body=body,
        object_uri=id_of(activity.get("object")),
        addressed_to_public=is_public(ids_of(activity.get("to")) + ids_of(activity.get("cc"))),
    )


def _required(activity: Mapping[str, Any], name: str) -> str:
    value = activity.get(name)
    if not isinstance(value, str) or not value:
        raise OutboxError(f"the activity has no {name!r}")
    return value


@dataclass(frozen=True, slots=True)
class Audience:
    """Who receives an activity, and how it is listed.

    ``actors`` are actors (or the URIs of actors already stored; unknown URIs are skipped);
    ``followers_of`` fans out to one local actor's accepted followers, narrowed by ``family``
    to servers that understand one announce form (unknown software gets both; our own local
    followers take the FEP-1b12 form); ``inboxes`` are inbox URLs as they are. ``listed`` says
    whether the activity appears in the sender's outbox (None: when addressed to the public);
    ``form`` records which announce form it is.
    """

    actors: tuple[Actor | str, ...] = ()
    followers_of: Actor | None = None
    family: Family | None = None
    inboxes: tuple[str, ...] = ()
    listed: bool | None = None
    form: Form | None = None


async def send(conn: Conn, sender: Actor, activity: Outgoing, audience: Audience) -> int:
    """Store ``activity`` and queue it for ``audience``; the number of remote deliveries queued.

    Call it inside your transaction: a rollback sends nothing.
    """
    if not sender.local:
        raise OutboxError(f"only our own actors send activities, not {sender.uri}")
    listed = activity.addressed_to_public if audience.listed is None else audience.listed
    actor_uris = [a if isinstance(a, str) else a.uri for a in audience.actors]
    followee_id = audience.followers_of.id if audience.followers_of is not None else None
    scope = await delivery_scope(conn, sender, activity.type, activity.object_uri)
    async with conn.transaction():
        activity_id = await _store(conn, sender, activity, listed, audience.form)
        status = await conn.execute(
            Q["insert_deliveries"],
            activity_id,
            sender.id,
            followee_id,
            actor_uris,
            list(audience.inboxes),
            sender.domain.lower(),
            software_excluded_from(audience.family),
            scope,
        )
        queued = int(status.rsplit(" ", 1)[-1])
        local_followee = None if audience.family == "microblog" else followee_id
        if await _has_local_recipients(conn, sender, local_followee, actor_uris, audience.inboxes):
            await conn.execute(
                Q["insert_local_inbox_item"], activity.uri, activity.type, sender.uri, activity.body
            )
        if queued:
            await conn.execute(Q["notify_deliveries"])
    return queued


async def _store(
    conn: Conn, sender: Actor, activity: Outgoing, listed: bool, form: Form | None
) -> int:
    """The ``activities`` row (the same id twice is the same row)."""
    activity_id: int = await conn.fetchval(
        Q["upsert_activity"],
        activity.uri,
        activity.type,
        sender.id,
        activity.object_uri,
        activity.body,
        listed,
        form,
    )
    return activity_id


async def _has_local_recipients(
    conn: Conn,
    sender: Actor,
    followee_id: int | None,
    actor_uris: list[str],
    inboxes: tuple[str, ...],
) -> bool:
    own = f"://{sender.domain.lower()}/"
    if any(own in inbox.lower() for inbox in inboxes):
        return True
    if followee_id is None and not actor_uris:
        return False
    return bool(await conn.fetchval(Q["has_local_recipients"], sender.id, followee_id, actor_uris))
