"""The long-lived resources of one process, opened in the lifespan and handed down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import asyncpg
from starlette.requests import Request

from fediverse.settings import Settings
from fediverse.urls import Urls

if TYPE_CHECKING:
    from fediverse.remote import RemoteActors


async def allow_every_domain(host: str) -> bool:
    return True


@dataclass
class AppContext:
    settings: Settings
    urls: Urls
    pool: asyncpg.Pool
    # Fetches and caches actors of other servers (None in processes that never federate).
    remote: RemoteActors | None = None
    # Instance policy: may we talk to this host (inbox, fetch, delivery, authorized fetch)?
    is_domain_allowed: Callable[[str], Awaitable[bool]] = allow_every_domain
    # Services added by later layers, keyed by name.
    services: dict[str, Any] = field(default_factory=dict)


# A background job run inside a process: started with the context, returns its stop function.
Starter = Callable[[AppContext], Awaitable[Callable[[], Awaitable[None]]]]


def context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.context
    return ctx
