"""A command that only reads or writes a row prints its result and nothing else; `status` says
once that the embedded PostgreSQL is in use (issue 11, class 11). Real processes, and a fresh
data directory with its own embedded PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import clean_env, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    # Outside private folders such as pytest's: pgserver, run as root, would move elsewhere
    # (and say so).
    data = Path("/tmp") / f"fediverse-cli-{uuid.uuid4().hex[:12]}"
    data.mkdir(mode=0o755)
    yield clean_env(FEDIVERSE_DOMAIN="social.test", FEDIVERSE_DATA_DIR=str(data))
    shutil.rmtree(data, ignore_errors=True)


def output(env: dict[str, str], cwd: Path, *args: str) -> tuple[str, str]:
    done = run_cli(*args, env=env, cwd=cwd, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_commands_print_their_result_and_nothing_else(env, tmp_path) -> None:
    assert output(env, tmp_path, "migrate")[1] == ""
    created = output(env, tmp_path, "group", "create", "x")
    assert created == ("created group @x@social.test (https://social.test/groups/x)\n", "")
    listed = output(env, tmp_path, "group", "list")
    assert listed == ("@x@social.test\t0 followers\tx\n", "")
    assert output(env, tmp_path, "domain", "block", "bad.example")[1] == ""


def test_status_says_once_that_the_embedded_postgresql_is_in_use(env, tmp_path) -> None:
    output(env, tmp_path, "migrate")
    stdout, stderr = output(env, tmp_path, "status")
    assert "status: ready" in stdout
    assert stderr.count("USING THE EMBEDDED POSTGRESQL") == 1
    assert stderr.count("\n") == 1
