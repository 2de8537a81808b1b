"""What the benchmarks share: a PostgreSQL to use, fresh databases, process memory."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from fediverse.storage.embedded import EmbeddedPostgres

BENCH_PG_DIR = Path("/tmp/fediverse-bench/postgres")


def admin_url() -> tuple[str, EmbeddedPostgres | None]:
    """``DATABASE_URL`` if set (the role must create databases), else an embedded server."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    BENCH_PG_DIR.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(BENCH_PG_DIR.parent, 0o755)
    server = EmbeddedPostgres(BENCH_PG_DIR)
    return server.start(), server


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
