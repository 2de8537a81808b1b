"""Local accounts: a Person actor plus the credentials to sign in as it."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from community.actors import Actor, create_local_actor
from community.errors import FediverseError, InvalidInput, NotFoundError
from community.events import person_barred, publish
from community.oauth import revoke_all_of
from community.sessions import end_all_sessions
from community.storage.database import Conn
from community.storage.queries import load_queries
from community.urls import Urls

Q = load_queries("community")
_hasher = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs what a wrong password does.
_DUMMY_HASH = _hasher.hash("no such person")

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


class SignInRefused(FediverseError):
    """Wrong name or password, or an account that may not sign in; ``str()`` says which."""


class SignUpRefused(FediverseError):
    """Sign-ups are closed."""


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


async def authenticate(conn: Conn, username: str, password: str) -> int:
    """The actor id of the person with these credentials; :class:`SignInRefused` otherwise."""
    record = await conn.fetchrow(Q["get_user_by_name"], username.strip().lstrip("@"))
    stored = record["password_hash"] if record is not None else None
    valid = await verify_password(stored or _DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
    if record is None or stored is None or not valid:
        raise SignInRefused("wrong name or password")
    if record["state"] == "pending":
        raise SignInRefused("your account is waiting for an administrator's approval")
    if record["state"] == "suspended":
        raise SignInRefused("your account is suspended")
    actor_id: int = record["actor_id"]
    return actor_id


async def sign_up(
    conn: Conn, urls: Urls, mode: str, username: str, password: str, reason: str = ""
) -> Actor:
    """A new person by the server's rule: active at once (open) or pending (approval)."""
    if mode == "closed":
        raise SignUpRefused("sign-ups are closed on this server")
    check_password_rules(password)
    password_hash = await hash_password(password)
    state = "active" if mode == "open" else "pending"
    async with conn.transaction():
        actor = await create_local_actor(conn, urls, "Person", username)
        await conn.execute(
            Q["insert_user_with_reason"], actor.id, password_hash, state, reason.strip()[:1000]
        )
    return actor


async def set_state(conn: Conn, username: str, state: str) -> int:
    """Approve (``active``) or suspend (``suspended``) a person; their actor id."""
    record = await conn.fetchrow(Q["get_user_by_name"], username)
    if record is None:
        raise NotFoundError(f"person {username!r}")
    await conn.execute(Q["set_user_state"], record["actor_id"], state)
    actor_id: int = record["actor_id"]
    if state != "active":  # their tokens stop working: so do their open streams
        await publish(conn, person_barred(actor_id))
    return actor_id


async def set_password(conn: Conn, username: str, password: str) -> int:
    """A new password (an admin's reset): every app token and browser session ends."""
    check_password_rules(password)
    record = await conn.fetchrow(Q["get_user_by_name"], username)
    if record is None:
        raise NotFoundError(f"person {username!r}")
    actor_id: int = record["actor_id"]
    async with conn.transaction():
        await conn.execute(Q["set_password_hash"], actor_id, await hash_password(password))
        await revoke_all_of(conn, actor_id)
        await end_all_sessions(conn, actor_id)
    return actor_id


async def is_admin(conn: Conn, actor: Actor) -> bool:
    """Whether ``actor`` is an active administrator of this server."""
    return bool(await conn.fetchval(Q["user_is_admin"], actor.id))
