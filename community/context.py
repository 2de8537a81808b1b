"""The long-lived resources of one process, opened at start-up and handed down.

:func:`open_context` builds everything a process that federates needs, in one place: the
instance policy (domain rules), the fetcher signed by the instance actor, the store of
remote actors, and the media store. Web servers, workers and the CLI all call it;
:meth:`AppContext.aclose` closes what it opened (the pool belongs to the caller).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from community import __version__
from community.actors import ensure_instance_actor, get_local_key
from community.mediastore import MediaStore, open_media_store
from community.policy import DomainPolicy
from community.remote import RemoteActors
from community.settings import Settings
from community.urls import Urls
from federation.fetch import Fetcher, FetchSettings, SigningIdentity

#: Instance policy: may we talk to this host (inbox, fetch, delivery, authorized fetch)?
DomainCheck = Callable[[str], Awaitable[bool]]


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    urls: Urls
    pool: asyncpg.Pool
    #: fetches and caches actors of other servers (signed by the instance actor)
    remote: RemoteActors
    is_domain_allowed: DomainCheck
    #: where uploads are kept (the data directory, or an S3-compatible bucket)
    media: MediaStore

    async def aclose(self) -> None:
        """Close the fetcher's connections (the pool is closed by whoever opened it)."""
        await self.remote.fetcher.aclose()


# A background job run inside a process: started with the context, returns its stop function.
Starter = Callable[[AppContext], Awaitable[Callable[[], Awaitable[None]]]]


async def open_context(settings: Settings, urls: Urls, pool: asyncpg.Pool) -> AppContext:
    """The instance policy, the fetcher and the remote-actor store of one process."""
    is_domain_allowed = DomainPolicy(settings.federation_mode).checker(pool)
    async with pool.acquire() as conn:
        instance = await ensure_instance_actor(conn, urls)
        key = await get_local_key(conn, instance)
    fetcher = Fetcher(
        FetchSettings(
            allowed_networks=tuple(settings.allow_private_addresses),
            max_body_bytes=settings.max_body_bytes,
            user_agent=f"fediverse/{__version__} (+{urls.base_url}/)",
        ),
        SigningIdentity.from_pem(key.key_id, key.private_key_pem),
        host_filter=is_domain_allowed,
    )
    remote = RemoteActors(pool, fetcher, urls, scheme=settings.scheme)
    media = open_media_store(settings, urls)
    return AppContext(settings, urls, pool, remote, is_domain_allowed, media)
