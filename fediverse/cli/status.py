"""``fediverse status``: the health summary Prometheus would show, for an admin at a terminal.

Exits 0 when the server is ready (database reachable, migrations current), 1 otherwise, so it
also works as a check in scripts.
"""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from community.health import HealthReport, QueueFigures, collect_health, unreachable
from community.settings import Settings, load_settings
from community.storage.database import DatabaseError, connect, redact
from community.storage.embedded import EmbeddedPostgresError
from fediverse.cli.common import command, run
from fediverse.runtime import database

app = typer.Typer()

NOT_YET = "not available (arrives with the delivery queue's migration)"


async def gather_status(settings: Settings) -> tuple[HealthReport, str]:
    """The health report, and where the database is (password hidden)."""
    where = redact(settings.database_url) if settings.database_url else "embedded"
    try:
        async with database(settings, announce=True) as db, connect(db.url) as conn:
            return await collect_health(conn), where
    except (DatabaseError, EmbeddedPostgresError) as exc:
        return unreachable(str(exc)), where


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}min"
    return f"{seconds / 3600:.1f}h"


def describe_queue(figures: QueueFigures, waiting: tuple[str, ...]) -> str:
    """``3 waiting, oldest 12s; 5 failed, 120 processed`` (or ``0 waiting (empty)``)."""
    text = f"{sum(figures.count(state) for state in waiting)} waiting"
    if figures.oldest_age_seconds is not None:
        text += f", oldest {_age(figures.oldest_age_seconds)}"
    others = ", ".join(
        f"{count} {state}"
        for state, count in sorted(figures.by_state.items())
        if count and state not in waiting
    )
    if others:
        return f"{text}; {others}"
    return text if figures.by_state else f"{text} (empty)"


def render_status(report: HealthReport, where: str, settings: Settings) -> list[str]:
    if not report.database_reachable:
        return [f"database: UNREACHABLE ({report.database_error})", "status: NOT READY"]
    lines = [f"database: reachable ({where})"]
    if report.database_error:
        lines.append(f"migrations: {report.database_error}")
    elif report.migrations_pending:
        lines.append(f"migrations: {report.migrations_pending} pending: run `fediverse migrate`")
    else:
        lines.append("migrations: up to date")
    if report.inbox is not None:
        lines.append("inbox queue: " + describe_queue(report.inbox, ("received", "processing")))
    deliveries = report.deliveries
    delivery_line = describe_queue(deliveries, ("queued", "claimed")) if deliveries else NOT_YET
    lines.append("delivery queue: " + delivery_line)
    hosts = report.hosts
    lines.append(
        f"remote hosts: {hosts.paused} paused, {hosts.unavailable} unavailable"
        if hosts
        else f"remote hosts: {NOT_YET}"
    )
    if report.domain_rules is not None:
        rules = report.domain_rules
        lines.append(
            f"domain policy: {settings.federation_mode}, {rules.get('block', 0)} blocked, "
            f"{rules.get('allow', 0)} allowed"
        )
    lines.append("status: ready" if report.ready else "status: NOT READY")
    return lines


@app.command()
@command
def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead.")] = False,
) -> None:
    """Database, migrations, queues and domain policy at a glance; exit 1 when not ready."""
    settings = load_settings()
    report, where = run(gather_status(settings))
    if as_json:
        typer.echo(orjson.dumps({**report.to_dict(), "database": where}).decode())
    else:
        for line in render_status(report, where, settings):
            typer.echo(line)
    if not report.ready:
        raise typer.Exit(1)
