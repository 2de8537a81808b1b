"""A member's account, carried elsewhere or closed: aliases, an outgoing ``Move``, the import
of a follows list, and a deletion that federates.

* :func:`set_aliases` — the ids the account also has (``alsoKnownAs``): another account
  moving *here* must be named first, as Mastodon asks (its ``Settings::AliasesController``).
* :func:`move_account` — ``Update`` of the actor (now with ``movedTo``) and ``Move`` to its
  followers (``app/services/move_service.rb``), once the new account names this one in
  ``alsoKnownAs`` (fetched fresh); our own people who followed it follow the new one.
* :func:`import_follows` — follow each account of a CSV (Mastodon's ``following_accounts.csv``).
* :func:`delete_account` — ``Delete`` of the actor to every server that knows it (Mastodon's
  ``app/services/delete_account_service.rb`` sends it to followers, then every known server;
  we send it to followers, followed accounts, groups posted in, and the followers of our
  groups that shared the posts), then the account is closed for good
  (:mod:`community.portability.departures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from community.actors import Actor, get_local_key
from community.context import AppContext
from community.errors import FediverseError, InvalidInput
from community.portability.departures import close_account, deletion_inboxes
from community.portability.moves import mark_moved, set_also_known_as
from community.render import render_actor
from community.storage.database import Conn
from community.urls import Urls
from federation.errors import FederationError
from outbox.actions import follow
from outbox.activities import build_profile_update
from outbox.activities.moves import build_actor_deletion, build_move
from outbox.errors import OutboxError
from outbox.moves import follow_to_new, resolve_fresh
from outbox.send import Audience, Outgoing, send

PEOPLE = frozenset({"Person", "Service"})


def _check_person(person: Actor) -> None:
    if not person.local or person.type not in PEOPLE:
        raise InvalidInput(f"{person.handle} is not a person of this server")
    if person.deleted_at is not None:
        raise InvalidInput(f"{person.handle} was deleted")


async def _announce_profile(conn: Conn, urls: Urls, person: Actor) -> None:
    """The person's ``Update`` of their own document, to their followers."""
    key = await get_local_key(conn, person)
    update = build_profile_update(urls, person, render_actor(person, key.public_key_pem))
    await send(conn, person, Outgoing.of(update), Audience(followers_of=person, listed=False))


async def set_aliases(conn: Conn, urls: Urls, person: Actor, aliases: Sequence[Actor]) -> Actor:
    """``person``'s other accounts are ``aliases`` now (the ones a move here comes from)."""
    _check_person(person)
    async with conn.transaction():
        changed = await set_also_known_as(conn, person, [a.uri for a in aliases])
        if changed is not person:
            await _announce_profile(conn, urls, changed)
    return changed


async def move_account(ctx: AppContext, conn: Conn, person: Actor, target_ref: str) -> Actor:
    """``person`` moves to the account ``target_ref`` names; the account as it now is."""
    _check_person(person)
    target = await resolve_fresh(ctx, target_ref)
    if target.type not in PEOPLE or target.id == person.id:
        raise InvalidInput(f"{target.handle} is not another person's account")
    if person.uri not in target.also_known_as:
        raise InvalidInput(
            f"{target.handle} does not list {person.uri} in alsoKnownAs: "
            "add this account as an alias there first"
        )
    async with conn.transaction():
        moved = await mark_moved(conn, person, target.uri)
        await _announce_profile(conn, ctx.urls, moved)
        move = build_move(ctx.urls, moved, target.uri)
        await send(conn, moved, Outgoing.of(move), Audience(followers_of=moved, listed=True))
        await follow_to_new(conn, ctx.urls, moved, target)
    return moved


@dataclass
class FollowsImport:
    """What a follows import did: whom it asked to follow, and what it could not."""

    followed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


async def import_follows(
    ctx: AppContext, conn: Conn, person: Actor, accounts: Sequence[str]
) -> FollowsImport:
    """``person`` follows each of ``accounts`` (``name@host``); those that cannot be found
    or followed are listed with the reason, and the rest go on."""
    _check_person(person)
    done = FollowsImport()
    for account in accounts:
        try:
            target = await ctx.remote.resolve_handle(account)
            await follow(conn, ctx.urls, person, target)
        except (FederationError, FediverseError, OutboxError) as exc:  # the next line goes on
            done.failed.append(f"{account}: {exc}")
            continue
        done.followed.append(account)
    return done


async def delete_account(conn: Conn, urls: Urls, person: Actor) -> int:
    """Delete ``person`` for good; the number of servers told."""
    _check_person(person)
    async with conn.transaction():
        inboxes = await deletion_inboxes(conn, person)
        deletion = build_actor_deletion(urls, person)
        audience = Audience(inboxes=tuple(inboxes), listed=False)
        told = await send(conn, person, Outgoing.of(deletion), audience)
        await close_account(conn, person)
    return told
