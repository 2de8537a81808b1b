"""Prometheus metrics: every name the server exports is declared here, in the core, so that any
layer (``outbox/``, ``inbox/``, the surface) records into the same registry.

Counters and histograms are per process (Prometheus sums them across processes); the queue and
host gauges are read from PostgreSQL when scraped (:func:`apply_health`), so every process
reports the same shared figures — aggregate them with ``max``, not ``sum``.
The list of names, with their labels, is in ``docs/operations.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)

from community import __version__
from community.health import INBOX_STATES, HealthReport, QueueFigures

# How an inbox POST ended: queued, already seen (de-duplicated), or refused (reason says why).
InboxOutcome = Literal["accepted", "duplicate", "rejected"]
# How one delivery attempt ended (DESIGN.md §3): done, gone (410), will retry, given up, or not
# attempted because policy forbids the host.
DeliveryOutcome = Literal["delivered", "gone", "retrying", "failed", "blocked"]

REGISTRY = CollectorRegistry()
process_collector.ProcessCollector(registry=REGISTRY)
platform_collector.PlatformCollector(registry=REGISTRY)
gc_collector.GCCollector(registry=REGISTRY)


@dataclass(frozen=True)
class QueueGauges:
    """The two gauges of one queue: its items by state, and how long the oldest has waited."""

    items: Gauge
    oldest: Gauge
    #: states shown even when no item is in them
    always: tuple[str, ...]

    @classmethod
    def declare(
        cls,
        items: str,
        items_help: str,
        oldest: str,
        oldest_help: str,
        always: tuple[str, ...] = (),
    ) -> QueueGauges:
        return cls(
            Gauge(items, items_help, ["state"], registry=REGISTRY),
            Gauge(oldest, oldest_help, registry=REGISTRY),
            always,
        )

    def show(self, figures: QueueFigures) -> None:
        self.items.clear()
        for state in sorted(set(self.always) | set(figures.by_state)):
            self.items.labels(state).set(figures.count(state))
        self.oldest.set(figures.oldest_age_seconds or 0)


BUILD_INFO = Gauge(
    "fediverse_build_info", "Version running (always 1).", ["version"], registry=REGISTRY
)
BUILD_INFO.labels(__version__).set(1)

HTTP_REQUESTS = Counter(
    "fediverse_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "fediverse_http_request_duration_seconds",
    "Time from request to the end of the response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
INBOX_REQUESTS = Counter(
    "fediverse_inbox_requests",
    "POSTs to our inboxes by outcome (accepted, duplicate, rejected) and reason.",
    ["outcome", "reason"],
    registry=REGISTRY,
)
INBOX_QUEUE = QueueGauges.declare(
    "fediverse_inbox_queue_items",
    "Inbox queue items by state.",
    "fediverse_inbox_queue_oldest_age_seconds",
    "Age of the oldest inbox item still waiting to be processed (0 when none waits).",
    always=INBOX_STATES,
)
DELIVERIES = Counter(
    "fediverse_deliveries",
    "Delivery attempts by outcome (delivered, gone, retrying, failed, blocked).",
    ["outcome"],
    registry=REGISTRY,
)
DELIVERY_QUEUE = QueueGauges.declare(
    "fediverse_delivery_queue_items",
    "Delivery queue rows by state.",
    "fediverse_delivery_queue_oldest_age_seconds",
    "Age of the oldest delivery still waiting (0 when none waits).",
)
HOSTS = Gauge(
    "fediverse_hosts",
    "Remote hosts held back: paused (circuit open) or unavailable.",
    ["state"],
    registry=REGISTRY,
)
DOMAIN_RULES = Gauge(
    "fediverse_domain_rules", "Instance policy rules by kind.", ["kind"], registry=REGISTRY
)
DATABASE_UP = Gauge(
    "fediverse_database_up", "1 when PostgreSQL answered the last scrape.", registry=REGISTRY
)
MIGRATIONS_PENDING = Gauge(
    "fediverse_migrations_pending", "Migrations not yet applied.", registry=REGISTRY
)

STREAMING_CLIENTS = Gauge(
    "fediverse_streaming_clients",
    "Streaming API connections (WebSocket and event streams) open on this process.",
    registry=REGISTRY,
)
STREAMING_EVENTS = Counter(
    "fediverse_streaming_events",
    "Live events this process heard while clients were connected: planned or dropped "
    "(its backlog was full).",
    ["outcome"],
    registry=REGISTRY,
)
STREAMING_FRAMES = Counter(
    "fediverse_streaming_frames",
    "Frames handed to streaming clients (one per client and stream an event reached).",
    registry=REGISTRY,
)
STREAMING_PLAN_DURATION = Histogram(
    "fediverse_streaming_plan_duration_seconds",
    "Time to look up, filter and render one live event for all of this process's clients.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
    registry=REGISTRY,
)


def record_inbox_request(outcome: InboxOutcome, reason: str) -> None:
    """Count one inbox POST. ``reason`` is from a closed set (e.g. a verification reason)."""
    INBOX_REQUESTS.labels(outcome, reason).inc()


def record_delivery(outcome: DeliveryOutcome) -> None:
    """Count one delivery attempt."""
    DELIVERIES.labels(outcome).inc()


def record_http_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(seconds)


def apply_health(report: HealthReport) -> None:
    """Set the gauges from a fresh :class:`HealthReport` (figures missing stay absent)."""
    DATABASE_UP.set(1 if report.database_reachable else 0)
    MIGRATIONS_PENDING.set(report.migrations_pending)
    if report.inbox is not None:
        INBOX_QUEUE.show(report.inbox)
    if report.deliveries is not None:
        DELIVERY_QUEUE.show(report.deliveries)
    if report.hosts is not None:
        HOSTS.labels("paused").set(report.hosts.paused)
        HOSTS.labels("unavailable").set(report.hosts.unavailable)
    if report.domain_rules is not None:
        for kind, count in report.domain_rules.items():
            DOMAIN_RULES.labels(kind).set(count)


def render_metrics() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
