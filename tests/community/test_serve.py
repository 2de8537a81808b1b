"""`fediverse serve` as `make run` starts it: a real process with the embedded PostgreSQL."""

import json
import shutil
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.helpers import ServerProcess, clean_env, free_port


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Outside pytest's private tmp folders: pgserver must be able to enter every parent.
    path = Path("/tmp/fediverse-tests") / f"serve-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def postgres_running(pgdata: Path) -> bool:
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in cmdline:
            return True
    return False


def stopped_gracefully(server: ServerProcess) -> None:
    # uvicorn re-raises SIGTERM after a graceful shutdown, so -15 is a clean exit too
    assert server.stop() in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log()


def test_make_run_path_serves_the_demo_group_and_cleans_up(data_dir: Path) -> None:
    port = free_port()
    env = clean_env(FEDIVERSE_DATA_DIR=str(data_dir / "data"), FEDIVERSE_PORT=str(port))
    server = ServerProcess(port, env, data_dir, ["--dev", "--demo"]).start()
    pgdata = data_dir / "data" / "postgres"
    try:
        assert "EMBEDDED POSTGRESQL" in server.log()
        base = f"http://localhost:{port}"
        finger = httpx.get(
            f"{base}/.well-known/webfinger", params={"resource": f"acct:welcome@localhost:{port}"}
        ).json()
        href = next(link["href"] for link in finger["links"] if link["rel"] == "self")
        actor = httpx.get(href, headers={"Accept": "application/activity+json"}).json()
        assert actor["id"] == href == f"{base}/groups/welcome"
        assert actor["publicKey"]["owner"] == actor["id"]
        assert actor["publicKey"]["id"] == f"{actor['id']}#main-key"
        assert httpx.get(f"{base}/readyz").json() == {"status": "ok"}
        assert postgres_running(pgdata)
    finally:
        stopped_gracefully(server)
    assert not postgres_running(pgdata), "the embedded PostgreSQL must stop with the server"


def test_a_killed_server_is_recovered_on_the_next_start(data_dir: Path) -> None:
    port = free_port()
    env = clean_env(FEDIVERSE_DATA_DIR=str(data_dir / "data"), FEDIVERSE_PORT=str(port))
    pgdata = data_dir / "data" / "postgres"
    first = ServerProcess(port, env, data_dir, ["--dev", "--demo"]).start()
    first.stop(signal.SIGKILL)
    handles = json.loads((pgdata / ".handle_pids.json").read_text())
    assert handles, "a killed process leaves its handle behind"
    second = ServerProcess(port, env, data_dir, ["--dev", "--demo"]).start()
    try:
        groups = httpx.get(f"http://localhost:{port}/").text
        assert groups.count("@welcome@") == 1
    finally:
        stopped_gracefully(second)
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == []
    assert not postgres_running(pgdata)
