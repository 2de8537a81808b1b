"""What the governance seam speaks: an :class:`Act` submitted on a group, the :class:`Kind` of
act (its builder and applier), what an applier says the group must send (a
:class:`Distribution`), and the three results of a submission (:class:`Applied`,
:class:`Proposed`, :class:`Sent`). docs/governance.md tells how to add a kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from community.actors import Actor
from community.governance import Proposal
from community.storage.database import Conn
from community.urls import Urls
from outbox.send import Audience, Outgoing


@dataclass(frozen=True)
class ReceivedAct:
    """The activity an act came as from another server: its JSON and its exact text."""

    activity: dict[str, Any]
    body: str


@dataclass(frozen=True)
class Act:
    """An act on ``group`` by ``by``: a moderator of it (here or on another server), or, for an
    admin's act (``by_admin``), the instance actor. ``params`` are the kind's own (JSON values
    only: they are stored with a proposal and compared to find the same act proposed twice).
    """

    group: Actor
    kind: str
    by: Actor
    params: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""
    by_admin: bool = False
    #: set when the act came from another server (the inbox): dispatch re-shares it
    received: ReceivedAct | None = None


@dataclass(frozen=True)
class Wrapped:
    """An activity the group announces wrapped (FEP-1b12): its exact text and id."""

    body: str
    uri: str


@dataclass(frozen=True)
class Distribution:
    """What the group sends once an act applied (the applier says; :func:`distribute` sends).

    * ``wrap``: its FEP-1b12 followers get ``Announce{the act}`` (byte-exact), or, when
      ``wrapped`` is given, ``Announce{that activity}`` instead (an approved post's ``Create``);
    * ``boost`` / ``unboost``: its microblog followers get ``Announce{object}`` (a thread that
      comes back or is approved) / ``Undo{Announce}`` of its boosts (threads removed);
    * ``sends``: anything else the group sends, built by the applier (its own ``Update{Group}``,
      a ``Reject`` to an author, ``Add`` to the person made a moderator…);
    * ``joined``: the ``Create`` ids of our replies that waited for an approved post and joined
      the group with it (:mod:`outbox.waiting`), each announced as we sent it.
    """

    wrap: bool = True
    wrapped: Wrapped | None = None
    boost: tuple[str, ...] = ()
    unboost: tuple[str, ...] = ()
    sends: tuple[tuple[Outgoing, Audience], ...] = ()
    joined: tuple[str, ...] = ()


#: Nothing to send (an act only the log shows).
SILENT = Distribution(wrap=False)


@dataclass(frozen=True)
class Applying:
    """What an applier receives: the connection (inside the submission's transaction), our URLs,
    the act, and its AS2 activity (as built by the kind, or as received) with its exact text."""

    conn: Conn
    urls: Urls
    act: Act
    activity: dict[str, Any]
    body: str


#: Builds the act's AS2 activity (actor = ``act.by``); refuses a bad act with ``ActRefused``.
Builder = Callable[[Conn, Urls, Act], Awaitable[dict[str, Any]]]
#: Carries the act out (writes through ``community``) and says what the group must send.
Applier = Callable[[Applying], Awaitable[Distribution]]


@dataclass(frozen=True)
class Kind:
    """One kind of act: its name, whether it needs the moderators' quorum, how it is built and
    applied. ``alone``: when it does not need the quorum after all (a moderator stepping down)."""

    name: str
    needs_quorum: bool
    build: Builder
    apply: Applier
    alone: Callable[[Act], bool] | None = None

    def requires_consent(self, act: Act) -> bool:
        if not self.needs_quorum or act.by_admin:
            return False
        return not (self.alone is not None and self.alone(act))


@dataclass(frozen=True)
class Applied:
    """The act was carried out: its activity (the log's item), and what the group sends."""

    act: Act
    activity: dict[str, Any]
    body: str
    distribution: Distribution
    proposal: Proposal | None = None

    @property
    def activity_uri(self) -> str:
        return str(self.activity["id"])

    @property
    def wrapped(self) -> Wrapped:
        """What FEP-1b12 followers get wrapped."""
        return self.distribution.wrapped or Wrapped(self.body, self.activity_uri)


@dataclass(frozen=True)
class Proposed:
    """The act waits for other moderators: ``approvals`` of the ``needed`` so far."""

    proposal: Proposal
    approvals: int
    needed: int


@dataclass(frozen=True)
class Declined:
    """A proposal the votes turned down."""

    proposal: Proposal


@dataclass(frozen=True)
class Sent:
    """An act on another server's group, sent to it: its server decides."""

    activity_uri: str


Submitted = Applied | Proposed | Declined | Sent
Voted = Applied | Proposed | Declined
