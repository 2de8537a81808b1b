"""The `fediverse` command, run as a real process against a real database."""

from pathlib import Path

import asyncpg
import pytest

from tests.helpers import clean_env, run_cli


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")


def test_group_and_user_lifecycle(env: dict[str, str], tmp_path: Path) -> None:
    made = run_cli(
        "user",
        "create",
        "alice",
        "--password-stdin",
        env=env,
        cwd=tmp_path,
        stdin="a long enough password\n",
    )
    assert made.returncode == 0, made.stderr
    assert "@alice@social.test" in made.stdout
    group = run_cli(
        "group",
        "create",
        "Garden",
        "--title",
        "Garden club",
        "--summary",
        "We grow things.",
        "--closed",
        "--moderator",
        "alice",
        env=env,
        cwd=tmp_path,
    )
    assert group.returncode == 0, group.stderr
    listed = run_cli("group", "list", env=env, cwd=tmp_path)
    assert "@Garden@social.test" in listed.stdout
    assert "closed" in listed.stdout
    people = run_cli("user", "list", env=env, cwd=tmp_path)
    assert "@alice@social.test" in people.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["group", "create", "bad name"], "letters, digits and underscores"),
        (["group", "create", "x" * 31], "longer than 30"),
        (["group", "create", "café"], "letters, digits and underscores"),
        (["group", "create", "admin"], "reserved"),
        (["group", "create", "ok", "--posting", "everyone"], "--posting"),
        (["group", "create", "ok", "--moderator", "ghost"], "not found"),
        (["user", "create", "bob", "--password-stdin"], "at least 8"),
    ],
)
def test_invalid_input_is_one_line_and_a_nonzero_exit(
    env: dict[str, str], tmp_path: Path, args: list[str], needle: str
) -> None:
    result = run_cli(*args, env=env, cwd=tmp_path, stdin="short\n")
    assert result.returncode == 1
    assert needle in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_people_and_groups_share_one_case_insensitive_namespace(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli("user", "create", "River", env=env, cwd=tmp_path).returncode == 0
    for args in (["group", "create", "river"], ["user", "create", "RIVER"]):
        result = run_cli(*args, env=env, cwd=tmp_path)
        assert result.returncode == 1
        assert "already taken" in result.stderr


def test_a_bad_setting_stops_the_command_with_one_sentence(
    tmp_path: Path, database_url: str
) -> None:
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_PORT="eighty")
    result = run_cli("group", "list", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: Invalid setting FEDIVERSE_PORT")
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_start_without_a_domain(tmp_path: Path, database_url: str) -> None:
    result = run_cli("serve", env=clean_env(DATABASE_URL=database_url), cwd=tmp_path)
    assert result.returncode == 1
    assert "FEDIVERSE_DOMAIN is not set" in result.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", FEDIVERSE_DOMAIN="x.test")
    result = run_cli("group", "list", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot connect to PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_reports_what_it_did(empty_database_url: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=empty_database_url)
    first = run_cli("migrate", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "applied" in first.stdout
    second = run_cli("migrate", env=env, cwd=tmp_path)
    assert "up to date" in second.stdout


def test_commands_use_the_domain_the_database_was_served_with(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = clean_env(DATABASE_URL=empty_database_url)
    assert run_cli("migrate", env=env, cwd=tmp_path).returncode == 0
    unset = run_cli("group", "list", env=env, cwd=tmp_path)
    assert unset.returncode == 1
    assert "FEDIVERSE_DOMAIN is not set" in unset.stderr
    first = run_cli(
        "group", "create", "g", env={**env, "FEDIVERSE_DOMAIN": "one.test"}, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    later = run_cli("group", "create", "h", env=env, cwd=tmp_path)
    assert "@h@one.test" in later.stdout
    wrong = run_cli("group", "list", env={**env, "FEDIVERSE_DOMAIN": "two.test"}, cwd=tmp_path)
    assert wrong.returncode == 1
    assert "belongs to https://one.test" in wrong.stderr


async def test_a_communitys_rules_from_the_shell(
    env: dict[str, str], tmp_path: Path, conn: asyncpg.Connection
) -> None:
    made = run_cli("group", "create", "den", "--summary", "A den.", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    changed = run_cli("group", "set", "den", "--rules", "1. Be **kind**.", env=env, cwd=tmp_path)
    assert changed.returncode == 0, changed.stderr
    row = await conn.fetchrow("SELECT summary, rules FROM actors WHERE username = 'den'")
    assert row["rules"] == "<ol>\n<li>Be <strong>kind</strong>.</li>\n</ol>\n"
    assert row["summary"] == "<p>A den.</p>", "the description stays"
    refused = run_cli("group", "set", "den", "--rules", "x" * 5001, env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "rules have at most 5000 characters" in refused.stderr
    assert refused.stderr.count("\n") == 1
