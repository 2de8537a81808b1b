"""Acts of moderators that arrive from their own servers (a Lemmy moderator acts through their
instance: ``Delete``, ``Block``, ``Lock``, ``Add``, ``Remove``, ``Update`` addressed to the
group, with ``audience``).

On one of our groups, the act goes to :func:`outbox.governance.submit` like any moderator's:
applied (dispatch then has the group distribute it: an :class:`~inbox.model.Enacted`), or
recorded as a proposal when it needs the quorum; refused (recorded, never announced) when its
actor is not a moderator of the group. On another server's group, we follow what that group's
own server vouches for (:func:`vouched_by_group`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from community.actors import Actor
from community.context import AppContext
from community.remote import authority_of
from inbox.errors import Refused
from inbox.handlers.common import ensure_actor
from inbox.model import Done, Enacted, Received, Transaction
from outbox.errors import ActRefused
from outbox.governance import Act, Applied, Proposed, ReceivedAct, submit


def vouched_by_group(rx: Received, group: Actor) -> bool:
    """Whether another server's group stands behind this act: it announced it (FEP-1b12), or
    the act comes from the group's own server (whose moderators it checks itself)."""
    return rx.via_group_uri == group.uri or authority_of(rx.actor_uri) == group.domain


def reason_of(rx: Received) -> str:
    return str(rx.activity.summary or "")[:1000]


async def submit_received(
    ctx: AppContext,
    rx: Received,
    tx: Transaction,
    group: Actor,
    kind: str,
    params: Mapping[str, Any],
) -> Done | Enacted:
    """A remote moderator's act on our ``group``, through the one seam every act takes."""
    by = await ensure_actor(ctx, rx.actor_uri)
    conn = await tx.begin()
    received = ReceivedAct(rx.json, rx.body)
    act = Act(group, kind, by, dict(params), reason_of(rx), received=received)
    try:
        result = await submit(conn, ctx.urls, act)
    except ActRefused as exc:
        raise Refused(str(exc)) from None
    if isinstance(result, Applied):
        return Enacted(group, f"{kind} in {group.username} by {by.handle}", result)
    if isinstance(result, Proposed):
        return Done(
            f"{kind} proposed in {group.username} by {by.handle}: proposal "
            f"#{result.proposal.id} ({result.approvals} of {result.needed} approvals)"
        )
    return Done(f"{kind} in {group.username}: {type(result).__name__.lower()}")
