"""Helpers for client API tests: a browser that signs in and consents, and PKCE."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from community.accounts import create_user
from community.oauth import create_app, issue_token
from community.storage.database import Conn
from community.urls import Urls

OOB = "urn:ietf:wg:oauth:2.0:oob"
PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
CODE_RE = re.compile(r'<code id="authorization-code">([^<]+)</code>')


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, html
    return found[1]


@dataclass
class Registered:
    client_id: str
    client_secret: str


async def register_app(
    http: httpx.AsyncClient, redirect_uri: str = OOB, scopes: str = "read write follow"
) -> Registered:
    response = await http.post(
        "/api/v1/apps",
        data={"client_name": "Test app", "redirect_uris": redirect_uri, "scopes": scopes},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return Registered(body["client_id"], body["client_secret"])


async def sign_in(
    http: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    form = await http.get("/auth/sign_in")
    return await http.post(
        "/auth/sign_in",
        data={"csrf": csrf_of(form.text), "username": username, "password": password, "next": "/"},
    )


async def authorize(
    http: httpx.AsyncClient,
    app: Registered,
    *,
    redirect_uri: str = OOB,
    scope: str = "read write follow",
    challenge: str | None = None,
    state: str | None = None,
) -> str:
    """Consent as the signed-in browser; the code (from the page, or the redirect)."""
    params: dict[str, Any] = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": scope,
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    if state:
        params["state"] = state
    page = await http.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text
    answer = await http.post(
        "/oauth/authorize", data={**params, "csrf": csrf_of(page.text), "decision": "approve"}
    )
    if redirect_uri == OOB:
        found = CODE_RE.search(answer.text)
        assert found, answer.text
        return found[1]
    assert answer.status_code == 303, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    if state:
        assert query["state"] == [state]
    return query["code"][0]


async def exchange(
    http: httpx.AsyncClient,
    app: Registered,
    code: str,
    *,
    redirect_uri: str = OOB,
    verifier: str | None = None,
) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
    }
    if verifier:
        data["code_verifier"] = verifier
    return await http.post("/oauth/token", data=data)


async def make_member(
    conn: Conn, urls: Urls, name: str, scopes: tuple[str, ...] = ("read", "write", "follow")
) -> dict[str, str]:
    """A person with a token (made in the core, for tests that are not about OAuth)."""
    await create_user(conn, urls, name, password=PASSWORD)
    app, _ = await create_app(conn, "tests", [OOB], list(scopes), None)
    actor_id = await conn.fetchval("SELECT id FROM actors WHERE username = $1", name)
    raw, _ = await issue_token(conn, app, actor_id, list(scopes))
    return {"Authorization": f"Bearer {raw}"}
