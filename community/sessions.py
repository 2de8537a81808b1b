"""Signed-in browsers and the server's own secrets.

A session is a random token in a cookie; only its SHA-256 hash is stored, so a leaked
database lets no one sign in. Signing out deletes the row; resetting a password deletes all.
"""

from __future__ import annotations

import secrets

from community.actors import Actor
from community.oauth import hash_secret
from community.storage.database import Conn
from community.storage.queries import load_queries

Q = load_queries("community")

SESSION_LIFETIME_SECONDS = 30 * 86400


async def start_session(conn: Conn, actor: Actor) -> str:
    token = secrets.token_urlsafe(32)
    await conn.execute(Q["insert_session"], hash_secret(token), actor.id, SESSION_LIFETIME_SECONDS)
    return token


async def session_actor(conn: Conn, token: str) -> Actor | None:
    """The person signed in with ``token`` (None when unknown, expired, or barred)."""
    record = await conn.fetchrow(Q["get_session_actor"], hash_secret(token))
    return None if record is None else Actor.from_record(record)


async def end_session(conn: Conn, token: str) -> None:
    await conn.execute(Q["delete_session"], hash_secret(token))


async def end_all_sessions(conn: Conn, actor_id: int) -> None:
    await conn.execute(Q["delete_sessions_of_actor"], actor_id)


async def server_secret(conn: Conn, name: str) -> str:
    """A secret made on first use and shared by every process of this server."""
    await conn.execute(Q["ensure_secret"], name, secrets.token_urlsafe(48))
    value: str = await conn.fetchval(Q["get_secret"], name)
    return value
