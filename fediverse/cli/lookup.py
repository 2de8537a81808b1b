"""``fediverse lookup @name@host``: WebFinger, fetch, and what we know of an account."""

from __future__ import annotations

import typer

from community.actors import public_keys_of
from community.settings import Settings, load_settings
from fediverse.cli.common import command, federating, find_actor_by_handle, run

app = typer.Typer()


@app.command()
@command
def lookup(handle: str) -> None:
    """Find an account by @name@host (WebFinger) and print what we know of it."""
    for line in run(describe_account(load_settings(), handle)):
        typer.echo(line)


async def describe_account(settings: Settings, handle: str) -> list[str]:
    async with federating(settings) as ctx:
        actor = await find_actor_by_handle(ctx, handle)
        software = None if actor.local else await ctx.remote.software_of(actor.domain)
        async with ctx.pool.acquire() as conn:
            keys = await public_keys_of(conn, actor)
    return [
        f"{actor.type} @{actor.username}@{actor.domain}",
        f"id:            {actor.uri}",
        f"name:          {actor.name}",
        f"inbox:         {actor.inbox_uri}",
        f"shared inbox:  {actor.shared_inbox_uri or '-'}",
        f"followers:     {actor.followers_uri or '-'}",
        f"software:      {software or ('fediverse (this server)' if actor.local else 'unknown')}",
        f"closed:        {'yes' if actor.manually_approves_followers else 'no'}",
        *[f"key:           {key['key_id']}" for key in keys],
    ]
