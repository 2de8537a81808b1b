"""The ``fediverse`` command: serve, migrate, and manage groups, people and federation.

Every sub-module holds one ``typer.Typer`` named ``app``; this one mounts them (groups of
commands under their name, top-level commands without one). Every failure ends with one
line on stderr and a non-zero exit, never a traceback (:func:`fediverse.cli.common.command`).
"""

from __future__ import annotations

import typer

from fediverse.cli import (
    accounts,
    bridges,
    deliveries,
    domains,
    groups,
    lookup,
    members,
    mod,
    moderators,
    moving,
    processes,
    proposals,
    relays,
    status,
    users,
)

app = typer.Typer(
    help="A federated ActivityPub community server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(processes.app)
app.add_typer(status.app)
app.add_typer(lookup.app)
groups.app.add_typer(moderators.app, name="moderators")
groups.app.add_typer(proposals.app, name="proposals")
groups.app.add_typer(moving.app)
users.app.add_typer(accounts.app)
groups.app.add_typer(bridges.app, name="bridge")
app.add_typer(groups.app, name="group")
app.add_typer(mod.app, name="mod")
app.add_typer(users.app, name="user")
app.add_typer(members.app, name="member")
app.add_typer(domains.app, name="domain")
app.add_typer(deliveries.app, name="deliveries")
app.add_typer(relays.app, name="relay")


def main() -> None:
    app()


__all__ = ["app", "main"]
