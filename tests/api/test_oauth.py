"""OAuth 2 through the real routes (in-process): apps, consent, PKCE, tokens, and refusals
that change nothing."""

from __future__ import annotations

import html

import asyncpg
import httpx
import pytest

from community.accounts import create_user
from community.urls import Urls
from tests.api.support import (
    OOB,
    PASSWORD,
    authorize,
    csrf_of,
    exchange,
    pkce_pair,
    register_app,
    sign_in,
)

BASE = "https://social.test"


@pytest.fixture
async def alice(conn: asyncpg.Connection) -> None:
    await create_user(conn, Urls(BASE), "alice", password=PASSWORD)


async def tokens(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM oauth_tokens"))


async def test_authorization_code_with_pkce_gives_a_token_that_verifies(
    client: httpx.AsyncClient, alice: None
) -> None:
    app = await register_app(client, "https://app.example/callback")
    assert (await sign_in(client, "alice")).status_code == 303
    verifier, challenge = pkce_pair()
    code = await authorize(
        client, app, redirect_uri="https://app.example/callback", challenge=challenge, state="xyz"
    )
    answer = await exchange(
        client, app, code, redirect_uri="https://app.example/callback", verifier=verifier
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write follow"
    me = await client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert me.json()["source"]["privacy"] == "public"


async def test_oob_shows_the_code_and_a_code_works_once(
    client: httpx.AsyncClient, alice: None, conn: asyncpg.Connection
) -> None:
    app = await register_app(client)
    await sign_in(client, "alice")
    code = await authorize(client, app)
    assert (await exchange(client, app, code)).status_code == 200
    again = await exchange(client, app, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert await tokens(conn) == 1


async def test_pkce_needs_the_right_verifier_and_a_refusal_spends_nothing(
    client: httpx.AsyncClient, alice: None, conn: asyncpg.Connection
) -> None:
    app = await register_app(client)
    await sign_in(client, "alice")
    verifier, challenge = pkce_pair()
    code = await authorize(client, app, challenge=challenge)
    for wrong in (None, "x" * 50):
        refused = await exchange(client, app, code, verifier=wrong)
        assert refused.status_code == 400
        assert refused.json()["error"] == "invalid_grant"
    wrong_redirect = await exchange(
        client, app, code, redirect_uri="https://evil.example/", verifier=verifier
    )
    assert wrong_redirect.json()["error"] == "invalid_grant"
    assert await tokens(conn) == 0
    assert (await exchange(client, app, code, verifier=verifier)).status_code == 200


async def test_an_expired_code_is_refused(
    client: httpx.AsyncClient, alice: None, conn: asyncpg.Connection
) -> None:
    app = await register_app(client)
    await sign_in(client, "alice")
    code = await authorize(client, app)
    await conn.execute("UPDATE oauth_codes SET expires_at = now() - interval '1 second'")
    expired = await exchange(client, app, code)
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"
    assert await tokens(conn) == 0


async def test_bad_redirect_uris_are_refused_on_the_page_never_redirected_to(
    client: httpx.AsyncClient, alice: None, conn: asyncpg.Connection
) -> None:
    app = await register_app(client, "https://app.example/callback")
    await sign_in(client, "alice")
    for uri in (
        "https://evil.example/callback",
        "https://app.example/callback/x",
        "https://app.example/callback?x=1",
    ):
        page = await client.get(
            "/oauth/authorize",
            params={"client_id": app.client_id, "redirect_uri": uri, "response_type": "code"},
        )
        assert page.status_code == 400
        assert "location" not in page.headers
        assert "redirect uri included is not valid" in page.text
    assert await conn.fetchval("SELECT count(*) FROM oauth_codes") == 0


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"client_name": "x", "redirect_uris": "not a uri"}, "is not an absolute URI"),
        ({"client_name": "x", "redirect_uris": "https://a.example/#frag"}, "absolute URI"),
        ({"client_name": "x", "redirect_uris": OOB, "scopes": "read rule"}, "unknown scope"),
        ({"client_name": "", "redirect_uris": OOB}, "client_name"),
    ],
)
async def test_app_registration_refusals(
    client: httpx.AsyncClient, conn: asyncpg.Connection, data: dict[str, str], needle: str
) -> None:
    refused = await client.post("/api/v1/apps", data=data)
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("Validation failed: ")
    assert needle in refused.json()["error"]
    assert await conn.fetchval("SELECT count(*) FROM oauth_apps") == 0


async def test_scopes_beyond_the_apps_are_refused(client: httpx.AsyncClient, alice: None) -> None:
    app = await register_app(client, scopes="read")
    await sign_in(client, "alice")
    page = await client.get(
        "/oauth/authorize",
        params={
            "client_id": app.client_id,
            "redirect_uri": OOB,
            "response_type": "code",
            "scope": "read write",
        },
    )
    assert page.status_code == 400
    assert "scope is invalid" in page.text


async def test_wrong_client_secret_and_unsupported_grants(client: httpx.AsyncClient) -> None:
    app = await register_app(client)
    wrong = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": "nope",
        },
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    password = await client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "username": "a",
            "password": "b",
        },
    )
    assert password.status_code == 400
    assert password.json()["error"] == "unsupported_grant_type"


async def test_client_credentials_token_is_the_apps_not_a_persons(
    client: httpx.AsyncClient,
) -> None:
    app = await register_app(client)
    issued = await client.post(
        "/oauth/token",
        auth=(app.client_id, app.client_secret),
        data={"grant_type": "client_credentials", "scope": "read"},
    )
    assert issued.status_code == 200, issued.text
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    mine = await client.get("/api/v1/apps/verify_credentials", headers=headers)
    assert mine.json()["name"] == "Test app"
    person = await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert person.status_code == 422
    assert person.json() == {"error": "This method requires an authenticated user"}


async def test_revoked_wrong_and_missing_tokens_and_missing_scopes(
    client: httpx.AsyncClient, alice: None
) -> None:
    app = await register_app(client, scopes="read")
    await sign_in(client, "alice")
    token = (await exchange(client, app, await authorize(client, app, scope="read"))).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/api/v1/timelines/home", headers=headers)).status_code == 200
    post = await client.post("/api/v1/statuses", headers=headers, data={"status": "hi"})
    assert post.status_code == 403
    assert post.json() == {"error": "This action is outside the authorized scopes"}
    for bad in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        refused = await client.get("/api/v1/timelines/home", headers=bad)
        assert refused.status_code == 401
        assert refused.json() == {"error": "The access token is invalid"}
    revoked = await client.post(
        "/oauth/revoke",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "token": token["access_token"],
        },
    )
    assert revoked.status_code == 200
    after = await client.get("/api/v1/timelines/home", headers=headers)
    assert after.status_code == 401


async def test_the_consent_form_needs_its_csrf_token(
    client: httpx.AsyncClient, alice: None, conn: asyncpg.Connection
) -> None:
    app = await register_app(client)
    await sign_in(client, "alice")
    params = {"client_id": app.client_id, "redirect_uri": OOB, "response_type": "code"}
    page = await client.get("/oauth/authorize", params=params)
    assert csrf_of(page.text)
    forged = await client.post(
        "/oauth/authorize", data={**params, "csrf": "forged", "decision": "approve"}
    )
    assert forged.status_code == 400
    assert await conn.fetchval("SELECT count(*) FROM oauth_codes") == 0


async def test_metadata_names_the_endpoints(client: httpx.AsyncClient) -> None:
    meta = (await client.get("/.well-known/oauth-authorization-server")).json()
    assert meta["token_endpoint"] == f"{BASE}/oauth/token"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "authorization_code" in meta["grant_types_supported"]


async def test_signing_in_leads_back_to_the_consent_page_and_nowhere_else(
    client: httpx.AsyncClient, alice: None
) -> None:
    app = await register_app(client)
    params = {"client_id": app.client_id, "redirect_uri": OOB, "response_type": "code"}
    asked = await client.get("/oauth/authorize", params=params)
    assert asked.status_code == 303
    assert asked.headers["location"].startswith("/auth/sign_in?next=%2Foauth%2Fauthorize%3F")
    form = await client.get(asked.headers["location"])
    nxt = html.unescape(form.text.split('name="next" value="')[1].split('"')[0])
    signed = await client.post(
        "/auth/sign_in",
        data={"csrf": csrf_of(form.text), "username": "alice", "password": PASSWORD, "next": nxt},
    )
    assert signed.headers["location"].startswith("/oauth/authorize?client_id=")
    consent = await client.get(signed.headers["location"])
    assert "Authorize Test app?" in consent.text
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        form = await client.get("/auth/sign_in")
        away = await client.post(
            "/auth/sign_in",
            data={
                "csrf": csrf_of(form.text),
                "username": "alice",
                "password": PASSWORD,
                "next": evil,
            },
        )
        assert away.headers["location"] == "/"
