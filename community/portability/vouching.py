"""Whom and what an imported archive may vouch for (DESIGN.md §5).

The archive is its old server's word, and a server vouches for its own actors and objects
only, as a group's signature vouches only for what is on its host:

* actors and posts on the old server's authority are taken as the archive gives them (an
  actor as a row without keys, fetched with its keys the first time it is needed);
* ours must already be here (an archive cannot tell us what our own people wrote);
* those of other servers come from their origin: actors fetched (or as stored), posts as
  stored here or fetched from their id; what cannot be had is left out, and said so;
* a post must be on its author's server and attributed to that author.

The network is asked here, before the import's one transaction opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from community.actors import Actor
from community.context import AppContext
from community.portability.contents import Contents
from community.portability.records import ActorRecord, PostRecord
from community.posts import POST_TYPES, find_post
from community.remote import InvalidActor, authority_of
from federation.errors import FetchError
from federation.vocabulary.base import id_of


@dataclass
class Vouched:
    """What an import can use: actors and objects fetched from other servers, and what it
    leaves out (one sentence each)."""

    actors: dict[str, Actor] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def post_problem(record: PostRecord, obj: dict[str, Any]) -> str | None:
    """Why ``obj`` cannot stand for the archived post (None: it can)."""
    types = obj.get("type")
    names = types if isinstance(types, list) else [types]
    if not any(name in POST_TYPES for name in names):
        return f"{record.id} is not a post"
    if obj.get("id") != record.id:
        return f"{record.id}'s object has another id"
    if authority_of(record.id) != authority_of(record.author):
        return f"{record.id} is not on its author's server"
    if id_of(obj.get("attributedTo")) != record.author:
        return f"{record.id} is not attributed to {record.author}"
    return None


class Voucher:
    """Sorts an archive's actors and posts by who vouches for them, fetching from others."""

    def __init__(self, ctx: AppContext, contents: Contents) -> None:
        self.ctx = ctx
        self.contents = contents
        self.vouched = Vouched()

    def is_third_party(self, uri: str) -> bool:
        return not self.ctx.urls.is_local(uri) and authority_of(uri) != self.contents.origin

    async def gather(self) -> Vouched:
        for record in self.contents.actors:
            if self.is_third_party(record.id):
                await self._fetch_actor(record)
        for post in self.contents.posts:
            await self._check_post(post)
        return self.vouched

    async def _fetch_actor(self, record: ActorRecord) -> None:
        if not await self.ctx.is_domain_allowed(authority_of(record.id)):
            self.vouched.skipped.append(f"{record.id}: its server is blocked here")
            return
        try:
            self.vouched.actors[record.id] = await self.ctx.remote.get_actor(record.id)
        except (FetchError, InvalidActor) as exc:
            self.vouched.skipped.append(f"{record.id}: cannot be fetched ({exc})")

    async def _check_post(self, record: PostRecord) -> None:
        problem = post_problem(record, record.object)
        if problem is not None:
            self.vouched.skipped.append(problem)
            return
        if not self.is_third_party(record.id):
            return
        async with self.ctx.pool.acquire() as conn:
            if await find_post(conn, record.id) is not None:
                return
        await self._fetch_post(record)

    async def _fetch_post(self, record: PostRecord) -> None:
        if not await self.ctx.is_domain_allowed(authority_of(record.id)):
            self.vouched.skipped.append(f"{record.id}: its server is blocked here")
            return
        try:
            document = await self.ctx.remote.fetcher.fetch_document(record.id)
        except FetchError as exc:
            self.vouched.skipped.append(f"{record.id}: its origin does not vouch for it ({exc})")
            return
        problem = post_problem(record, document.json)
        if problem is not None:
            self.vouched.skipped.append(f"as its origin serves it, {problem}")
            return
        self.vouched.objects[record.id] = document.json
