"""The delivery worker's knobs, taken from the settings once (docs/delivery.md, "Tuning")."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from community.settings import Settings
from federation.addresses import IPNetwork
from federation.delivery import MAX_ATTEMPTS
from outbox.queue import HostPolicy


@dataclass(frozen=True)
class WorkerConfig:
    batch_size: int = 256
    concurrency: int = 1024
    timeout_seconds: float = 15.0
    visibility_seconds: float = 120.0
    grace_seconds: float = 10.0
    poll_seconds: float = 1.0
    flush_seconds: float = 0.05
    max_attempts: int = MAX_ATTEMPTS
    signing_threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    sign_chunk: int = 16
    #: finished rows (delivered, rejected, failed) are kept this long for the admin
    keep_finished_days: int = 7
    allow_list: Sequence[IPNetwork] = ()
    host_policy: HostPolicy = field(default_factory=HostPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerConfig:
        return cls(
            batch_size=settings.delivery_batch_size,
            concurrency=settings.delivery_concurrency,
            timeout_seconds=settings.delivery_timeout_seconds,
            visibility_seconds=settings.delivery_visibility_seconds,
            max_attempts=settings.delivery_max_attempts,
            signing_threads=settings.delivery_signing_threads or os.cpu_count() or 2,
            allow_list=tuple(settings.allow_private_addresses),
            host_policy=HostPolicy(
                connections=settings.delivery_host_connections,
                breaker_failures=settings.delivery_breaker_failures,
                breaker_pause_seconds=settings.delivery_breaker_pause_seconds,
                unavailable_days=settings.delivery_unavailable_days,
            ),
        )
