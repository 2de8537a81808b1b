"""Dispatch: the registry of handlers, and the one place that announces.

The inbox worker hands each claimed item to :func:`dispatch`, which parses it into a
:class:`~inbox.model.Received` (vocabulary model and exact body side by side), calls the
handler registered for its type inside the item's one :class:`~inbox.model.Transaction`, and
acts on what the handler says it did (the closed set of :mod:`inbox.model`):

* ``Done`` / ``Ignored``: nothing more; the note is kept for the admin;
* ``Reshare(G, boost=X | unboost=X)``: when G is one of our groups and has not announced this
  activity yet, G announces it wrapped (FEP-1b12) to its followers, boosts X to microblogs or
  withdraws its boost of X (:mod:`outbox.redistribute`), in the same transaction as the
  handler's writes; the guard is here, once, for every handler;
* ``Enacted(G, applied)``: a moderator's act carried out in G (by :mod:`outbox.governance`);
  when G is ours and has not announced the act yet, G distributes it
  (:func:`outbox.governance.distribute`: the FEP-1b12 announce of the act, an
  ``Undo{Announce}`` for microblogs, its own ``Update{Group}``…);
* ``Reported(G)``: a report for G's moderators: G forwards the ``Flag`` to the servers of
  its remote moderators (:func:`outbox.reports.forward_report`);
* ``Several``: each of them;
* ``Unwrapped(inner)``: the activity a group's ``Announce`` held is handled in turn, as if its
  author had sent it.

Whatever the handler did, :func:`inbox.bridging.across_bridges` adds what crosses bridges
between communities (docs/bridges.md): our communities that bridge the announcing community
carry the post on (more ``Reshare``), and a reply taken into a carried thread goes back to its
source; the same guard makes each community announce an activity once.

An activity we cannot parse raises :class:`~federation.errors.VocabularyError` (the item is
recorded ``failed`` with the reason); a type without a handler is refused (``ignored``).

The local path is on purpose: what our own actors send to our own actors arrives here through
the local inbox queue (``verified_by='local'``, see :mod:`outbox.send`) and meets the same
handlers and the same guard as a remote server's activity, so a local member is handled
exactly like a remote one; a local post is stored by the member's action first, then found
stored, checked against the group's rules, attached and announced here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from community.context import AppContext
from community.posts import already_announced
from inbox.bridging import across_bridges
from inbox.errors import Refused
from inbox.handlers import (
    announce,
    create,
    delete,
    follow,
    moderation,
    move,
    responses,
    undo,
    update,
    votes,
)
from inbox.model import (
    Done,
    Enacted,
    Ignored,
    Outcome,
    Received,
    Reported,
    Reshare,
    Several,
    Transaction,
    Unwrapped,
)
from outbox.governance import distribute
from outbox.redistribute import announce_boost, announce_joined, announce_wrapped, undo_boost
from outbox.reports import forward_report

Handler = Callable[[AppContext, Received, Transaction], Awaitable[Outcome]]

REGISTRY: dict[str, Handler] = {
    "Follow": follow.handle,
    "Accept": responses.handle_accept,
    "Reject": responses.handle_reject,
    "Undo": undo.handle,
    "Create": create.handle,
    "Update": update.handle,
    "Delete": delete.handle,
    "Announce": announce.handle,
    "Like": votes.handle,
    "Dislike": votes.handle,
    "Block": moderation.handle_block,
    "Lock": moderation.handle_lock,
    "Flag": moderation.handle_flag,
    "Add": moderation.handle_collection_change,
    "Remove": moderation.handle_collection_change,
    "Move": move.handle,
}


async def dispatch(ctx: AppContext, item: asyncpg.Record) -> str:
    """Handle one queued item and carry out what its handler did; the note for the admin."""
    kind = item["activity_type"]
    if kind not in REGISTRY:
        raise Refused(f"no handler for {kind}")
    rx = Received.from_item(item)
    async with Transaction(ctx.pool) as tx:
        return await handle(ctx, rx, tx)


async def handle(ctx: AppContext, rx: Received, tx: Transaction) -> str:
    if rx.handled_at_source:  # our community's own announce, for the bridges from it
        outcome: Outcome = Done("handled in its own community")
    else:
        outcome = await REGISTRY[rx.activity_type](ctx, rx, tx)
    if isinstance(outcome, Unwrapped):
        return await handle(ctx, outcome.inner, tx)
    return await act(ctx, rx, tx, await across_bridges(ctx, rx, tx, outcome))


async def act(
    ctx: AppContext,
    rx: Received,
    tx: Transaction,
    outcome: Done | Ignored | Reshare | Enacted | Reported | Several,
) -> str:
    if isinstance(outcome, Done):
        return outcome.note
    if isinstance(outcome, Ignored):
        return f"ignored: {outcome.reason}"
    if isinstance(outcome, Reshare):
        return await reshare(ctx, rx, tx, outcome)
    if isinstance(outcome, Enacted):
        return await enact(ctx, tx, outcome)
    if isinstance(outcome, Reported):
        return await forward(ctx, rx, tx, outcome)
    return "; ".join([await act(ctx, rx, tx, one) for one in outcome.outcomes])


async def reshare(ctx: AppContext, rx: Received, tx: Transaction, share: Reshare) -> str:
    """A group of ours announces what it took in, once; another server's group announces
    on its own server."""
    group = share.group
    if not group.local:
        return share.note
    conn = await tx.begin()
    if await already_announced(conn, group, rx.activity_uri):
        return f"{share.note} (announced before)"
    await announce_wrapped(
        conn, ctx.urls, group, rx.body, rx.activity.id, also_to=share.also_to, origin=share.origin
    )
    if share.boost is not None:
        await announce_boost(conn, ctx.urls, group, share.boost)
    if share.unboost is not None:
        await undo_boost(conn, ctx.urls, group, share.unboost)
    await announce_joined(conn, ctx.urls, group, share.joined)
    return share.note


async def enact(ctx: AppContext, tx: Transaction, enacted: Enacted) -> str:
    """A group of ours distributes a moderator's act it carried out, once."""
    group = enacted.group
    if not group.local:
        return enacted.note
    conn = await tx.begin()
    if await already_announced(conn, group, enacted.applied.wrapped.uri):
        return f"{enacted.note} (announced before)"
    await distribute(conn, ctx.urls, group, enacted.applied)
    return enacted.note


async def forward(ctx: AppContext, rx: Received, tx: Transaction, reported: Reported) -> str:
    """A group of ours forwards a report to the servers of its remote moderators, once."""
    conn = await tx.begin()
    if await already_announced(conn, reported.group, rx.activity_uri):
        return f"{reported.note} (forwarded before)"
    sent = await forward_report(conn, ctx.urls, reported.group, rx.body, rx.activity_uri)
    return f"{reported.note}, forwarded to {sent} server(s)" if sent else reported.note
