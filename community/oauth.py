"""OAuth 2 for members' apps: registered apps, codes, tokens and scopes (no HTTP here).

What we follow (RFC 6749, RFC 7636, RFC 7009, and Mastodon's choices in ``config/initializers/
doorkeeper.rb`` of mastodon/mastodon): authorization codes live 10 minutes and work once (a
replayed, expired or mismatched code changes nothing, as in Doorkeeper); PKCE is S256 only;
a redirect URI must match one registered for the app exactly; client secrets, codes and
tokens are stored as SHA-256 hashes and compared in constant time; the default scope is
``read``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from community.errors import FediverseError
from community.events import person_barred, publish, token_revoked
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.storage.rows import Row, fetch_row

Q = load_queries("community")

OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME_SECONDS = 600
TOUCH_INTERVAL_SECONDS = 3600
DEFAULT_SCOPES = ("read",)

# docs.joinmastodon.org/api/oauth-scopes: the four top-level scopes and their sub-scopes.
READ_SCOPES = (
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
)
WRITE_SCOPES = (
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
)
# The legacy ``follow`` scope grants these (Mastodon keeps it for old apps).
FOLLOW_GRANTS = frozenset(
    {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
)
VALID_SCOPES = frozenset(
    {"read", "write", "follow", "push", "profile"}
    | {f"read:{s}" for s in READ_SCOPES}
    | {f"write:{s}" for s in WRITE_SCOPES}
)


class OAuthError(FediverseError):
    """An OAuth failure: ``error`` is the RFC 6749 code, ``str()`` its description."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.status = status


@dataclass(frozen=True)
class App(Row):
    id: int
    client_id: str
    name: str
    website: str | None
    redirect_uris: list[str]
    scopes: list[str]
    created_at: datetime


@dataclass(frozen=True)
class Token(Row):
    id: int
    app_id: int
    actor_id: int | None
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    app_name: str = ""
    app_website: str | None = None

    def allows(self, required: str) -> bool:
        return scope_allows(self.scopes, required)


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def parse_scopes(text: str | None, *, default: Sequence[str] = DEFAULT_SCOPES) -> list[str]:
    """Space-separated scopes (``+`` too, as some apps send), validated, in given order."""
    parts = (text or "").replace("+", " ").split()
    if not parts:
        return list(default)
    unknown = [p for p in parts if p not in VALID_SCOPES]
    if unknown:
        raise OAuthError("invalid_scope", f"unknown scope {unknown[0]!r}", 422)
    return list(dict.fromkeys(parts))


def scope_allows(granted: Iterable[str], required: str) -> bool:
    """Whether scopes ``granted`` cover ``required`` (a sub-scope like ``write:statuses``)."""
    granted = set(granted)
    if required in granted or required.split(":", 1)[0] in granted:
        return True
    return "follow" in granted and required in FOLLOW_GRANTS


def check_redirect_uri(uri: str) -> None:
    """An absolute URI without fragment (custom schemes allowed for mobile apps), or OOB."""
    if uri == OOB_REDIRECT_URI:
        return
    parts = urlsplit(uri)
    if not parts.scheme or not (parts.netloc or parts.path) or parts.fragment or len(uri) > 2000:
        raise OAuthError("invalid_redirect_uri", f"{uri[:100]!r} is not an absolute URI", 422)


async def create_app(
    conn: Conn, name: str, redirect_uris: list[str], scopes: list[str], website: str | None
) -> tuple[App, str]:
    """Register an app; (the app, its client secret, shown once)."""
    if not name.strip() or len(name) > 200:
        raise OAuthError("invalid_request", "client_name must be 1 to 200 characters", 422)
    if not redirect_uris:
        raise OAuthError("invalid_redirect_uri", "redirect_uris can't be blank", 422)
    for uri in redirect_uris:
        check_redirect_uri(uri)
    secret = new_secret()
    record = await conn.fetchrow(
        Q["insert_app"],
        new_secret(),
        hash_secret(secret),
        name.strip(),
        website or None,
        redirect_uris,
        scopes,
    )
    assert record is not None
    return App.from_record(record), secret


async def find_app(conn: Conn, client_id: str) -> App | None:
    return await fetch_row(conn, App, Q["get_app_by_client_id"], client_id)


async def get_app(conn: Conn, app_id: int) -> App | None:
    return await fetch_row(conn, App, Q["get_app_by_id"], app_id)


async def authenticate_client(conn: Conn, client_id: str, client_secret: str) -> App:
    record = await conn.fetchrow(Q["get_app_by_client_id"], client_id)
    expected = record["client_secret_hash"] if record else hash_secret(new_secret())
    if not hmac.compare_digest(expected, hash_secret(client_secret)) or record is None:
        raise OAuthError(
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication "
            "included, or unsupported authentication method.",
            401,
        )
    return App.from_record(record)


def check_authorization_request(
    app: App, redirect_uri: str, scope: str | None, challenge: str | None, method: str | None
) -> list[str]:
    """The scopes an authorization request may be granted; OAuthError otherwise."""
    if redirect_uri not in app.redirect_uris:
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.")
    scopes = parse_scopes(scope)
    if not set(scopes) <= set(app.scopes):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    if challenge is not None:
        if (method or "plain") != "S256":
            raise OAuthError("invalid_request", "code_challenge_method must be S256")
        if not 43 <= len(challenge) <= 128:
            raise OAuthError("invalid_request", "code_challenge must be 43 to 128 characters")
    return scopes


async def issue_code(
    conn: Conn,
    app: App,
    actor_id: int,
    redirect_uri: str,
    scopes: list[str],
    challenge: str | None,
) -> str:
    code = new_secret()
    await conn.execute(
        Q["insert_code"],
        hash_secret(code),
        app.id,
        actor_id,
        redirect_uri,
        scopes,
        challenge,
        CODE_LIFETIME_SECONDS,
    )
    return code


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


async def redeem_code(
    conn: Conn, app: App, code: str, redirect_uri: str, verifier: str | None
) -> tuple[str, Token]:
    """Exchange a code for a token, once; a refused exchange changes nothing."""
    code_hash = hash_secret(code)
    async with conn.transaction():
        record = await conn.fetchrow(Q["lock_code"], code_hash)
        if (
            record is None
            or record["used_at"] is not None
            or not record["fresh"]
            or record["app_id"] != app.id
            or record["redirect_uri"] != redirect_uri
        ):
            raise OAuthError("invalid_grant", INVALID_GRANT)
        challenge = record["code_challenge"]
        if challenge is not None and not (
            verifier and hmac.compare_digest(pkce_s256(verifier), challenge)
        ):
            raise OAuthError("invalid_grant", INVALID_GRANT)
        await conn.execute(Q["use_code"], code_hash)
        return await issue_token(conn, app, record["actor_id"], record["scopes"])


async def issue_token(
    conn: Conn, app: App, actor_id: int | None, scopes: list[str]
) -> tuple[str, Token]:
    raw = new_secret()
    record = await conn.fetchrow(Q["insert_token"], hash_secret(raw), app.id, actor_id, scopes)
    assert record is not None
    return raw, Token.from_record(record)


async def find_token(conn: Conn, raw: str) -> Token | None:
    """The live token for a bearer string (None when unknown, revoked or its person barred)."""
    record = await conn.fetchrow(Q["get_live_token"], hash_secret(raw))
    if record is None:
        return None
    token = Token.from_record(record)
    last = token.last_used_at
    if last is None or (datetime.now(last.tzinfo) - last).total_seconds() > TOUCH_INTERVAL_SECONDS:
        await conn.execute(Q["touch_token"], token.id)
    return token


async def revoke(conn: Conn, app: App, raw: str) -> None:
    """RFC 7009: an unknown token is fine; another client's token is not ours to revoke."""
    record = await conn.fetchrow(Q["get_token_by_hash"], hash_secret(raw))
    if record is None:
        return
    if record["app_id"] != app.id:
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403)
    await conn.execute(Q["revoke_token"], record["id"])
    await publish(conn, token_revoked(record["id"]))


async def revoke_all_of(conn: Conn, actor_id: int) -> None:
    await conn.execute(Q["revoke_tokens_of_actor"], actor_id)
    await publish(conn, person_barred(actor_id))
