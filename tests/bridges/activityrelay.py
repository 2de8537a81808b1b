"""A real LitePub relay for the tests: ActivityRelay 0.3.5 from PyPI (``activityrelay``), run as
its own process on loopback.

It lives in a virtualenv of its own (its pins, ``click==8.1.2`` and ``idna==3.4`` among them,
clash with ours), made once per machine by :func:`relay_python` and reused. Three things in it
assume a public HTTPS server on the default port, so a loopback test patches a copy of it at
test time (:data:`PATCHES`, applied by :func:`patched_sources`; nothing of its code is kept in
this repository):

* its own ids and its NodeInfo look-up hard-code ``https://`` (our test servers speak plain
  HTTP): ``https://{…}`` becomes ``http://{…}`` where it builds them;
* ``aputils`` signs ``host`` as the URL's host name without its port, where the request's
  ``Host`` header has the port: signed as ``netloc`` instead;
* it looks a new subscriber's NodeInfo up at its host name without the port: at ``netloc``.

It also keys subscribers by host name without the port; the tests give the two subscribing
servers different names (``localhost`` and ``127.0.0.1``) rather than patch that.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers import free_port

VERSION = "0.3.5"
VENV = Path(
    os.environ.get(
        "FEDIVERSE_ACTIVITYRELAY_VENV",
        Path(tempfile.gettempdir()) / f"fediverse-tests-activityrelay-{VERSION}",
    )
)

#: (file in site-packages, text, replacement, why): each must match at least once.
PATCHES: tuple[tuple[str, str, str, str], ...] = (
    ("relay/misc.py", 'f"https://{host}', 'f"http://{host}', "its ids hard-code https"),
    ("relay/config.py", 'f"https://{self.domain}', 'f"http://{self.domain}', "its actor id"),
    (
        "relay/views/activitypub.py",
        'f"https://{state.config.domain}',
        'f"http://{state.config.domain}',
        "its collections' ids",
    ),
    (
        "relay/http_client.py",
        'f"https://{domain}/.well-known/nodeinfo"',
        'f"http://{domain}/.well-known/nodeinfo"',
        "NodeInfo look-ups hard-code https",
    ),
    (
        "relay/processors.py",
        "fetch_nodeinfo(data.actor.domain, force = True)",
        "fetch_nodeinfo(__import__('urllib.parse').parse.urlsplit(data.actor.id).netloc,"
        " force = True)",
        "a subscriber's NodeInfo is looked up without its port",
    ),
    (
        "aputils/algorithms.py",
        "method, uri.hostname, uri.path, headers, body",
        "method, uri.netloc, uri.path, headers, body",
        "host is signed without its port",
    ),
)


def relay_python() -> Path:
    """The relay's own Python, its virtualenv made (once, under a lock) when missing."""
    python = VENV / "bin" / "python"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{VENV}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (VENV / ".installed").exists():
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            install = [str(python), "-m", "pip", "install", "-q", f"activityrelay=={VERSION}"]
            subprocess.run(install, check=True, capture_output=True, timeout=600)
            (VENV / ".installed").touch()
    return python


def site_packages(python: Path) -> Path:
    code = "import relay, pathlib; print(pathlib.Path(relay.__file__).parent.parent)"
    done = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True)
    return Path(done.stdout.strip())


def patched_sources(python: Path, into: Path) -> Path:
    """Copies of ``relay`` and ``aputils`` with :data:`PATCHES` applied, in ``into``."""
    site = site_packages(python)
    for package in ("relay", "aputils"):
        shutil.copytree(site / package, into / package, dirs_exist_ok=True)
    for relative, text, replacement, why in PATCHES:
        path = into / relative
        source = path.read_text()
        if text not in source:
            raise RuntimeError(f"ActivityRelay patch no longer applies ({why}): {relative}")
        path.write_text(source.replace(text, replacement))
    return into


@dataclass
class Relay:
    """A running ActivityRelay."""

    process: subprocess.Popen[bytes]
    port: int
    workdir: Path

    @property
    def domain(self) -> str:
        return f"localhost:{self.port}"

    @property
    def actor(self) -> str:
        return f"http://{self.domain}/actor"

    @property
    def inbox(self) -> str:
        return f"http://{self.domain}/inbox"

    def log(self) -> str:
        return (self.workdir / "relay.log").read_text(errors="replace")

    def subscribers(self) -> list[str]:
        """The actors the relay lists as its subscribers (its ``followers`` collection)."""
        response = httpx.get(f"http://{self.domain}/followers", timeout=5)
        response.raise_for_status()
        return list(response.json()["items"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


def start_relay(workdir: Path, timeout: float = 60) -> Relay:
    """ActivityRelay set up (SQLite, no approval, one push worker) and running on loopback."""
    python = relay_python()
    workdir.mkdir(parents=True, exist_ok=True)
    sources = patched_sources(python, workdir / "src")
    port = free_port()
    (workdir / "relay.yaml").write_text(
        f"listen: 127.0.0.1\nport: {port}\ndomain: localhost:{port}\nworkers: 1\n"
        "database_type: sqlite\ncache_type: database\nsqlite_path: relay.sqlite3\n"
    )
    env = {**os.environ, "PYTHONPATH": str(sources)}
    command = [str(python), "-m", "relay", "-c", str(workdir / "relay.yaml")]
    subprocess.run(
        [*command, "setup", "--skip-questions"],
        input=b"n\n",
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (workdir / "relay.log").open("ab") as log:
        process = subprocess.Popen(
            [*command, "run"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    relay = Relay(process, port, workdir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ActivityRelay exited:\n{relay.log()}")
        try:
            if httpx.get(relay.actor, timeout=1).status_code == 200:
                return relay
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    relay.stop()
    raise RuntimeError(f"ActivityRelay did not start:\n{relay.log()}")
