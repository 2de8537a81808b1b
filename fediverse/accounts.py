"""Local accounts: a Person actor plus the credentials to sign in as it."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from fediverse.actors import Actor, create_local_actor
from fediverse.errors import InvalidInput
from fediverse.storage.database import Conn
from fediverse.storage.queries import load_queries
from fediverse.urls import Urls

Q = load_queries("fediverse")
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except VerificationError:
        return False


async def create_user(
    conn: Conn,
    urls: Urls,
    username: str,
    *,
    password: str | None = None,
    display_name: str = "",
    is_admin: bool = False,
    state: str = "active",
) -> Actor:
    """Create a local person who can sign in (or not yet, without a password)."""
    if password is not None:
        check_password_rules(password)
    password_hash = None if password is None else await hash_password(password)
    async with conn.transaction():
        actor = await create_local_actor(conn, urls, "Person", username, name=display_name)
        await conn.execute(Q["insert_user"], actor.id, password_hash, state, is_admin)
    return actor
