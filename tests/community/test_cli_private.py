"""``fediverse group create|set --visibility`` and ``fediverse group servers`` (issue 15), run
as real processes against a real database."""

from pathlib import Path

import asyncpg
import pytest

from tests.helpers import clean_env, run_cli
from tests.inbox.support import remote_actor


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")


async def test_visibility_from_the_shell(
    env: dict[str, str], tmp_path: Path, conn: asyncpg.Connection
) -> None:
    made = run_cli("group", "create", "den", "--visibility", "private", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    listed = run_cli("group", "list", env=env, cwd=tmp_path).stdout
    assert "closed private" in listed, "a private community is closed"
    bad = run_cli("group", "create", "nook", "--visibility", "secret", env=env, cwd=tmp_path)
    assert bad.returncode == 1
    assert "--visibility must be one of" in bad.stderr
    assert "Traceback" not in bad.stderr
    changed = run_cli("group", "set", "den", "--visibility", "unlisted", env=env, cwd=tmp_path)
    assert changed.returncode == 0, changed.stderr
    visibility = await conn.fetchval(
        "SELECT community_visibility FROM actors WHERE username = 'den'"
    )
    assert visibility == "unlisted"
    refused = run_cli("group", "set", "den", "--visibility", "x", env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "visibility must be one of" in refused.stderr
    member = await remote_actor(conn, "https://masto.example/users/mia", software="mastodon")
    den = await conn.fetchval("SELECT id FROM actors WHERE username = 'den'")
    await conn.execute(
        "INSERT INTO follows (follower_id, followee_id, state) VALUES ($1, $2, 'accepted')",
        member.actor.id,
        den,
    )
    servers = run_cli("group", "servers", "den", env=env, cwd=tmp_path)
    assert servers.returncode == 0, servers.stderr
    assert "masto.example\t1 member\tmastodon" in servers.stdout
    assert "receives nothing private" in servers.stdout
