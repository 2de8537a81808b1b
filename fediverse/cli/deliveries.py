"""``fediverse deliveries``: the delivery queue at a glance, and ``retry HOST``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from community.settings import Settings, load_settings
from community.storage.database import connect
from fediverse.cli.common import command, run
from fediverse.runtime import database, prepare_database
from outbox.admin import QueueStatus, read_queue_status, retry_host

app = typer.Typer(
    help="Show the delivery queue; `retry HOST` re-queues a host.", invoke_without_command=True
)


@app.callback()
@command
def deliveries(ctx: typer.Context) -> None:
    """Queue depth, rate, oldest pending delivery, and failing or unavailable hosts."""
    if ctx.invoked_subcommand is not None:
        return
    for line in format_status(run(_status(load_settings()))):
        typer.echo(line)


@app.command("retry")
@command
def deliveries_retry(
    host: Annotated[str, typer.Argument(help="host or host:port, as listed")],
) -> None:
    """Clear a host's failures and re-queue its failed deliveries of the last week."""
    count = run(_retry(load_settings(), host))
    typer.echo(f"re-queued {count} deliveries to {host.strip().lower()}")


async def _status(settings: Settings) -> QueueStatus:
    async with database(settings) as db:
        await prepare_database(db.url, None, apply_migrations=False)
        async with connect(db.url) as conn:
            return await read_queue_status(conn)


async def _retry(settings: Settings, host: str) -> int:
    async with database(settings) as db:
        await prepare_database(db.url, None, apply_migrations=False)
        async with connect(db.url) as conn:
            return await retry_host(conn, host)


def _ago(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago" if seconds < 172_800 else f"{seconds // 86400}d ago"


def format_status(status: QueueStatus) -> list[str]:
    lines = [
        f"queued: {status.queued} ({status.due} due now), in flight: {status.claimed}",
        f"oldest pending: {_ago(status.oldest_pending)}",
        f"delivered: {status.delivered_last_minute} in the last minute, "
        f"{status.delivered_last_hour} in the last hour; "
        f"given up in the last day: {status.given_up_last_day}",
    ]
    if not status.troubled_hosts:
        lines.append("no failing or unavailable hosts")
        return lines
    lines.append("host\tstate\tfailures\tfailing days\tqueued\tlast success\tlast error")
    now = datetime.now(UTC)
    for host in status.troubled_hosts:
        if host.unavailable_since is not None:
            state = "unavailable"
        elif host.paused_until is not None and host.paused_until > now:
            state = f"paused {int((host.paused_until - now).total_seconds())}s"
        else:
            state = "failing"
        error = (host.last_error or "").replace("\n", " ")[:120]
        lines.append(
            f"{host.host}\t{state}\t{host.consecutive_failures}\t{host.failing_days}\t"
            f"{host.queued}\t{_ago(host.last_success_at)}\t{error}"
        )
    return lines
