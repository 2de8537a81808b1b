"""deploy/: compose, systemd units, Dockerfile and .env.example agree with our settings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from community.settings import Settings
from fediverse.cli import app as cli_app
from tests.deploy.proxies import DEPLOY


def setting_names() -> set[str]:
    names = {"DATABASE_URL"}
    names.update(f"FEDIVERSE_{field.upper()}" for field in Settings.model_fields)
    names.discard("FEDIVERSE_DATABASE_URL")
    return names


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def cli_commands() -> set[str]:
    command = typer.main.get_command(cli_app)
    assert isinstance(command, typer.core.TyperGroup)
    return set(command.commands)


def test_compose_passes_only_settings_that_exist() -> None:
    services = compose()["services"]
    assert {"db", "migrate", "web", "worker"} <= set(services)
    known = setting_names()
    for name, service in services.items():
        if name == "db":
            continue
        environment = service.get("environment", {})
        assert isinstance(environment, dict), f"{name}: use the mapping form"
        for variable in environment:
            assert variable in known, f"compose service {name} sets unknown {variable}"
        assert service["env_file"] == ".env"


def test_compose_runs_commands_that_exist_and_keeps_the_database_in_a_volume() -> None:
    spec = compose()
    commands = cli_commands()
    for name in ("migrate", "web", "worker"):
        command = spec["services"][name]["command"][0]
        assert command in commands, f"{name}: {command}"
    assert "pgdata:/var/lib/postgresql/data" in spec["services"]["db"]["volumes"]
    assert "pgdata" in spec["volumes"]
    web = spec["services"]["web"]
    assert web["ports"] == ["127.0.0.1:8000:8000"], "only the reverse proxy may reach the app"
    gateway = spec["networks"]["default"]["ipam"]["config"][0]["gateway"]
    assert web["environment"]["FEDIVERSE_TRUSTED_PROXIES"] == f"{gateway}/32"
    assert web["environment"]["FEDIVERSE_RUN_WORKERS"] == "false"


def env_example() -> dict[str, str]:
    found = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        match = re.match(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    documented = env_example()
    fediverse_names = {n for n in documented if n.startswith("FEDIVERSE_") or n == "DATABASE_URL"}
    assert fediverse_names == setting_names()
    assert set(documented) - fediverse_names == {"POSTGRES_PASSWORD"}


def test_env_example_values_are_valid_settings(tmp_path: Path) -> None:
    values = {
        name: value
        for name, value in env_example().items()
        if name.startswith("FEDIVERSE_") and value
    }
    values["FEDIVERSE_DATA_DIR"] = str(tmp_path)
    code = (
        "import os, sys; from community.settings import load_settings; "
        "s = load_settings(); print(s.env, s.base_url)"
    )
    env = {"PATH": "/usr/bin:/bin", **values, "DATABASE_URL": "postgresql://db/fediverse"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "production https://social.example"


def test_the_dockerfile_is_slim_non_root_and_health_checked() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert stages
    assert all(stage.endswith("-slim-bookworm") for stage in stages)
    assert re.search(r"^USER fediverse$", text, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, re.MULTILINE)
    copied = re.findall(r"^COPY (?!--from)(\S+)", text, re.MULTILINE)
    for source in copied:
        assert (DEPLOY.parent / source).exists(), f"COPY {source}: no such path"
    ignored = (DEPLOY.parent / ".dockerignore").read_text().split()
    assert ".venv" in ignored
    assert ".env" in ignored


@pytest.mark.parametrize("unit", ["fediverse.service", "fediverse-worker.service"])
def test_systemd_units_verify(unit: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    text = (DEPLOY / "systemd" / unit).read_text()
    command = "serve" if unit == "fediverse.service" else "worker"
    assert f"ExecStart=/opt/fediverse/venv/bin/fediverse {command}\n" in text
    assert "EnvironmentFile=/etc/fediverse/fediverse.env" in text
    assert "User=fediverse" in text
    # verify insists that ExecStart exists: point it at this checkout's command
    local = Path(sys.executable).parent / "fediverse"
    (tmp_path / unit).write_text(text.replace("/opt/fediverse/venv/bin/fediverse", str(local)))
    done = subprocess.run([analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    complaints = [
        line
        for line in done.stderr.splitlines()
        if unit in line or "Unknown" in line or "ignoring" in line
    ]
    assert not complaints, done.stderr
