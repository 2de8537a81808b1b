"""`fediverse domain …` and `fediverse status`, run as real processes against a real database."""

import json
from pathlib import Path

import pytest

from tests.helpers import clean_env, run_cli


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")


def test_blocking_and_allowing_domains(env: dict[str, str], tmp_path: Path) -> None:
    def cli(*args: str) -> str:
        done = run_cli("domain", *args, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "no domain rules" in cli("list")
    assert cli("block", "Spam.Example", "--reason", "spam waves") == (
        "blocked spam.example and its subdomains\n"
    )
    assert "already blocked" in cli("block", "https://spam.example/users/x")
    cli("allow", "friends.example")
    listed = cli("list")
    assert "federation mode: blocklist" in listed
    assert "block\tspam.example\t" in listed
    assert "spam waves" in listed
    assert "allow\tfriends.example" in listed
    assert cli("unblock", "spam.example") == "spam.example is no longer blocked\n"
    assert cli("disallow", "friends.example") == "friends.example is no longer allowed\n"
    assert "no domain rules" in cli("list")


def test_an_empty_allowlist_is_warned_about(env: dict[str, str], tmp_path: Path) -> None:
    env["FEDIVERSE_FEDERATION_MODE"] = "allowlist"
    listed = run_cli("domain", "list", env=env, cwd=tmp_path).stdout
    assert "federation mode: allowlist" in listed
    assert "we federate with no one" in listed


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["block", "not a host"], "is not a domain name"),
        (["unblock", "never.example"], "never.example is not blocked"),
        (["disallow", "never.example"], "never.example is not allowed"),
    ],
)
def test_domain_mistakes_are_one_line(
    env: dict[str, str], tmp_path: Path, args: list[str], needle: str
) -> None:
    done = run_cli("domain", *args, env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert needle in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_status_of_a_healthy_server(env: dict[str, str], tmp_path: Path) -> None:
    run_cli("domain", "block", "spam.example", env=env, cwd=tmp_path)
    done = run_cli("status", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "database: reachable (postgresql://" in out
    assert "migrations: up to date" in out
    assert "inbox queue: 0 waiting (empty)" in out
    assert "delivery queue: 0 waiting (empty)" in out
    assert "remote hosts: 0 paused, 0 unavailable" in out
    assert "domain policy: blocklist, 1 blocked, 0 allowed" in out
    assert out.endswith("status: ready\n")
    as_json = json.loads(run_cli("status", "--json", env=env, cwd=tmp_path).stdout)
    assert as_json["ready"] is True
    assert as_json["inbox"] == {"by_state": {}, "oldest_age_seconds": None}
    assert as_json["deliveries"] == {"by_state": {}, "oldest_age_seconds": None}


def test_status_of_an_unmigrated_database(empty_database_url: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=empty_database_url)
    done = run_cli("status", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "pending: run `fediverse migrate`" in done.stdout
    assert "status: NOT READY" in done.stdout


def test_status_of_an_unreachable_database(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL="postgresql://fediverse:secret@127.0.0.1:1/nowhere")
    done = run_cli("status", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "database: UNREACHABLE" in done.stdout
    assert "secret" not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("command", [["serve"], ["status"], ["migrate"]])
def test_production_without_database_url_stops_with_one_sentence(
    tmp_path: Path, command: list[str]
) -> None:
    env = clean_env(FEDIVERSE_ENV="production", FEDIVERSE_DOMAIN="social.test")
    done = run_cli(*command, env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: FEDIVERSE_ENV is production but DATABASE_URL")
    assert done.stderr.count("\n") == 1
