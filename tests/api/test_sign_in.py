"""Sign-in, sign-up and sign-out pages: CSRF, rate limits shared through PostgreSQL, the
three registration modes, and the admin's approve, suspend and reset commands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from community.accounts import create_user
from community.urls import Urls
from fediverse.app import create_app
from tests.api.support import PASSWORD, csrf_of, sign_in
from tests.helpers import clean_env, run_cli

BASE = "https://social.test"


@pytest.fixture
def browser(settings) -> Callable[..., object]:
    @asynccontextmanager
    async def open_browser(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings.model_copy(update=overrides))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
                yield http

    return open_browser


async def sign_up(http: httpx.AsyncClient, name: str, **extra: str) -> httpx.Response:
    form = await http.get("/auth/sign_up")
    data = {
        "csrf": csrf_of(form.text),
        "username": name,
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        **extra,
    }
    return await http.post("/auth/sign_up", data=data)


async def test_sign_in_sign_out_and_the_forms_need_csrf(browser, conn: asyncpg.Connection) -> None:
    await create_user(conn, Urls(BASE), "alice", password=PASSWORD)
    async with browser() as http:
        forged = await http.post(
            "/auth/sign_in", data={"csrf": "forged", "username": "alice", "password": PASSWORD}
        )
        assert forged.status_code == 403
        wrong = await sign_in(http, "alice", "not the password")
        assert wrong.status_code == 401
        assert "Wrong name or password" in wrong.text
        assert (await http.get("/auth/account")).status_code == 303
        assert (await sign_in(http, "alice")).status_code == 303
        account = await http.get("/auth/account")
        assert "Signed in as @alice@social.test" in account.text
        out = await http.post("/auth/sign_out", data={"csrf": csrf_of(account.text)})
        assert out.status_code == 303
        assert (await http.get("/auth/account")).status_code == 303
    assert await conn.fetchval("SELECT count(*) FROM web_sessions") == 0


async def test_sign_in_attempts_are_limited_per_address_and_name(
    browser, conn: asyncpg.Connection
) -> None:
    await create_user(conn, Urls(BASE), "alice", password=PASSWORD)
    async with browser(sign_in_limit=3) as http:
        codes = [(await sign_in(http, "alice", "guess")).status_code for _ in range(3)]
        assert codes == [401, 401, 401]
        limited = await sign_in(http, "alice")
        assert limited.status_code == 429
        assert "Too many attempts" in limited.text
    # the counters live in PostgreSQL: another process (here, another app) sees them
    async with browser(sign_in_limit=3) as other:
        assert (await sign_in(other, "alice")).status_code == 429


async def test_open_sign_up_signs_in_at_once(browser, conn: asyncpg.Connection) -> None:
    async with browser(registrations="open") as http:
        made = await sign_up(http, "newcomer")
        assert made.status_code == 303
        assert "Signed in as @newcomer" in (await http.get("/auth/account")).text
        taken = await sign_up(http, "NEWCOMER")
        assert taken.status_code == 422
        assert "already taken" in taken.text
    assert (
        await conn.fetchval(
            "SELECT state FROM users u JOIN actors a ON a.id = u.actor_id"
            " WHERE a.username = 'newcomer'"
        )
        == "active"
    )


async def test_closed_sign_up_refuses(browser, conn: asyncpg.Connection) -> None:
    async with browser(registrations="closed") as http:
        page = await http.get("/auth/sign_up")
        assert page.status_code == 403
        assert "closed" in page.text
        refused = await http.post("/auth/sign_up", data={"username": "x", "password": PASSWORD})
        assert refused.status_code == 403
    assert await conn.fetchval("SELECT count(*) FROM users") == 0
    async with browser(registrations="closed") as http:
        nodeinfo = (await http.get("/nodeinfo/2.1")).json()
        assert nodeinfo["openRegistrations"] is False


async def test_sign_up_limit(browser, conn: asyncpg.Connection) -> None:
    async with browser(registrations="open", sign_up_limit=1) as http:
        assert (await sign_up(http, "first")).status_code == 303
        again = await sign_up(http, "second")
        assert again.status_code == 429
    assert await conn.fetchval("SELECT count(*) FROM users") == 1


async def test_approval_then_the_admin_approves_suspends_and_resets(
    browser, conn: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    env = clean_env(DATABASE_URL=database_url, FEDIVERSE_DOMAIN="social.test")
    async with browser(registrations="approval") as http:
        asked = await sign_up(http, "carol", reason="I grow tomatoes")
        assert asked.status_code == 200
        assert "administrator" in asked.text
        nodeinfo = (await http.get("/nodeinfo/2.1")).json()
        assert nodeinfo["openRegistrations"] is True
        pending = await sign_in(http, "carol")
        assert pending.status_code == 401
        assert "waiting for an administrator" in pending.text
        listed = run_cli("user", "list", env=env, cwd=tmp_path)
        assert "pending" in listed.stdout
        approved = run_cli("user", "approve", "carol", env=env, cwd=tmp_path)
        assert approved.returncode == 0, approved.stderr
        assert (await sign_in(http, "carol")).status_code == 303
        run_cli("user", "suspend", "carol", env=env, cwd=tmp_path)
        assert (await http.get("/auth/account")).status_code == 303  # the session stops too
        assert "suspended" in (await sign_in(http, "carol")).text
        run_cli("user", "unsuspend", "carol", env=env, cwd=tmp_path)
        reset = run_cli(
            "user", "reset", "carol", env=env, cwd=tmp_path, stdin="a brand new password\n"
        )
        assert reset.returncode == 0, reset.stderr
        assert (await sign_in(http, "carol")).status_code == 401
        assert (await sign_in(http, "carol", "a brand new password")).status_code == 303
    missing = run_cli("user", "approve", "nobody", env=env, cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ")
