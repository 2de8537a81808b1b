from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outbox.config import WorkerConfig
from outbox.queue import HostPolicy
from tests.outbox.support import LOOPBACK, Sink


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    running = Sink(4, tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def worker_config() -> WorkerConfig:
    return WorkerConfig(
        allow_list=tuple(LOOPBACK),
        timeout_seconds=2.0,
        signing_threads=2,
        host_policy=HostPolicy(breaker_failures=3, breaker_pause_seconds=0.5),
    )
