"""Governance: a community held by its moderators together (issue 12), and the seam other
features extend (docs/governance.md).

One function submits an act on a group, by a moderator or by the instance admin::

    from outbox.governance import Act, submit

    result = await submit(conn, urls, Act(group, "remove_moderator", by=ada,
                                          params={"person": cy.uri}, reason="inactive"))
    # Applied (carried out, logged, sent), Proposed (waiting for other moderators), or
    # Sent (a group on another server: its server decides)

:func:`vote` approves or declines a proposal. A registry of appliers keyed by act kind
(:func:`register`) lets each feature add its own kinds; this package registers the kinds of
issue 12 (:mod:`outbox.governance.kinds`).
"""

from outbox.governance import kinds  # registers the kinds of issue 12
from outbox.governance.distribute import distribute
from outbox.governance.model import (
    SILENT,
    Act,
    Applied,
    Applier,
    Applying,
    Builder,
    Declined,
    Distribution,
    Kind,
    Proposed,
    ReceivedAct,
    Sent,
    Submitted,
    Voted,
    Wrapped,
)
from outbox.governance.quorum import approvals_needed, decide
from outbox.governance.registry import kind_of, register, registered_kinds
from outbox.governance.submit import check_authority, submit, vote

__all__ = [
    "SILENT",
    "Act",
    "Applied",
    "Applier",
    "Applying",
    "Builder",
    "Declined",
    "Distribution",
    "Kind",
    "Proposed",
    "ReceivedAct",
    "Sent",
    "Submitted",
    "Voted",
    "Wrapped",
    "approvals_needed",
    "check_authority",
    "decide",
    "distribute",
    "kind_of",
    "kinds",
    "register",
    "registered_kinds",
    "submit",
    "vote",
]
