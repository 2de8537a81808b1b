"""``fediverse group …``: create and list communities, answer requests to join, change a
community's profile and rules (``group set``), answer requests to create one. Its moderators
and proposals: :mod:`fediverse.cli.moderators`, :mod:`fediverse.cli.proposals`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, cast

import typer

from community.actors import (
    COMMUNITY_VISIBILITIES,
    PostingPolicy,
    get_local_actor,
)
from community.errors import InvalidInput
from community.governance import list_group_requests
from community.groups import answer_group_request, create_group
from community.html import summary_html
from community.membership import pending_requests
from community.settings import Settings, load_settings
from community.software import PRIVATE_REASONS
from fediverse.cli.common import (
    command,
    federating,
    find_actor_by_handle,
    find_group,
    management,
    moderating,
    run,
)
from fediverse.cli.listing import list_actors
from outbox.actions import answer_request
from outbox.governance.views import describe
from outbox.moderation import GroupChanges, member_servers_seen_by, set_group

app = typer.Typer(help="Manage communities (groups).", no_args_is_help=True)

POSTING_POLICIES = ("members", "anyone", "moderators")


@app.command("create")
@command
def group_create(
    name: str,
    title: Annotated[str, typer.Option(help="Display name.")] = "",
    summary: Annotated[str, typer.Option(help="Description (plain text or HTML).")] = "",
    closed: Annotated[bool, typer.Option(help="Moderators approve each new member.")] = False,
    posting: Annotated[
        str, typer.Option(help="Who may post: members, anyone or moderators.")
    ] = "members",
    moderator: Annotated[
        list[str] | None, typer.Option(help="A local person who moderates (repeatable).")
    ] = None,
    visibility: Annotated[
        str | None,
        typer.Option(help="public, unlisted or private (default: private if closed, else public)."),
    ] = None,
) -> None:
    """Create a community."""
    settings = load_settings()
    profile = NewGroup(title, summary, closed, posting, moderator or [], visibility)
    handle = run(create_group_command(settings, name, profile))
    typer.echo(f"created group {handle}")


@app.command("list")
@command
def group_list() -> None:
    """List the communities hosted here."""
    for line in run(list_actors(load_settings(), "Group")):
        typer.echo(line)


@app.command("requests")
@command
def group_requests(name: str) -> None:
    """List pending requests to join a closed group."""
    for line in run(list_requests(load_settings(), name)):
        typer.echo(line)


@app.command("approve")
@command
def group_approve(name: str, handle: str) -> None:
    """Let HANDLE (@name@host) join the closed group NAME."""
    typer.echo(run(answer(load_settings(), name, handle, approve=True)))


@app.command("reject")
@command
def group_reject(name: str, handle: str) -> None:
    """Refuse HANDLE's request to join the closed group NAME."""
    typer.echo(run(answer(load_settings(), name, handle, approve=False)))


@dataclass(frozen=True)
class NewGroup:
    """What ``fediverse group create`` is given."""

    title: str = ""
    summary: str = ""
    closed: bool = False
    posting: str = "members"
    moderators: list[str] = field(default_factory=list)
    visibility: str | None = None


async def create_group_command(settings: Settings, name: str, new: NewGroup) -> str:
    if new.posting not in POSTING_POLICIES:
        raise InvalidInput(f"--posting must be one of {', '.join(POSTING_POLICIES)}")
    visibility = new.visibility or ("private" if new.closed else "public")
    if visibility not in COMMUNITY_VISIBILITIES:
        raise InvalidInput(f"--visibility must be one of {', '.join(COMMUNITY_VISIBILITIES)}")
    async with management(settings) as (conn, urls):
        moderators = [await get_local_actor(conn, n) for n in new.moderators]
        group = await create_group(
            conn,
            urls,
            name,
            name=new.title,
            summary=summary_html(new.summary),
            closed=new.closed or visibility == "private",
            posting_policy=cast(PostingPolicy, new.posting),
            visibility=visibility,
            moderators=moderators,
        )
    return f"@{group.username}@{urls.domain} ({group.uri})"


async def list_requests(settings: Settings, group_name: str) -> list[str]:
    async with management(settings) as (conn, _):
        group = await get_local_actor(conn, group_name)
        if not group.is_group:
            raise InvalidInput(f"{group_name!r} is a person, not a group")
        rows = await pending_requests(conn, group)
    if not rows:
        return [f"no pending requests to join {group_name}"]
    return [
        f"@{r['username']}@{r['domain']}\t{r['created_at']:%Y-%m-%d %H:%M}\t{r['uri']}"
        for r in rows
    ]


async def answer(settings: Settings, group_name: str, handle: str, *, approve: bool) -> str:
    async with federating(settings) as ctx, ctx.pool.acquire() as conn:
        group = await get_local_actor(conn, group_name)
        follower = await find_actor_by_handle(ctx, handle)
        await answer_request(conn, ctx.urls, group, follower, approve=approve)
    return f"{'approved' if approve else 'rejected'} {follower.handle} for {group.handle}"


@app.command("set")
@command
def group_set(
    name: str,
    title: Annotated[str | None, typer.Option(help="Display name.")] = None,
    summary: Annotated[str | None, typer.Option(help="Description.")] = None,
    rules: Annotated[str | None, typer.Option(help="The community's rules (Markdown).")] = None,
    posting: Annotated[
        str | None, typer.Option(help="Who may post: members, anyone or moderators.")
    ] = None,
    premoderation: Annotated[
        str | None, typer.Option(help="Posts that wait for a moderator: off, new or all.")
    ] = None,
    closed: Annotated[
        bool | None, typer.Option("--closed/--open", help="Moderators approve new members.")
    ] = None,
    quorum: Annotated[
        str | None, typer.Option(help="Approvals a proposal needs: majority or unanimous.")
    ] = None,
    visibility: Annotated[
        str | None, typer.Option(help="Who may read it: public, unlisted or private.")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Act as this moderator (default: the admin).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (shown on the moderation log).")] = "",
) -> None:
    """Change a community's profile and rules (some changes need a second moderator)."""
    changes = GroupChanges(
        title, summary, posting, premoderation, closed, quorum, visibility, rules=rules
    )
    for line in run(set_group_command(load_settings(), name, changes, as_user, reason)):
        typer.echo(line)


@app.command("servers")
@command
def group_servers(
    name: str,
    as_user: Annotated[
        str | None, typer.Option("--as", help="Look as this moderator (default: the admin).")
    ] = None,
) -> None:
    """The servers where community NAME has members, and whether each receives its private
    posts (and why not)."""
    for line in run(servers_command(load_settings(), name, as_user)):
        typer.echo(line)


async def servers_command(settings: Settings, name: str, as_user: str | None) -> list[str]:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        servers = await member_servers_seen_by(conn, who, group)
    if not servers:
        return [f"{group.handle} has no members on other servers"]
    return [
        f"{s.domain}\t{s.members} member{'s' if s.members != 1 else ''}\t"
        f"{s.software or 'unknown'} {s.version or ''}\t"
        f"{'receives' if s.receives else 'receives nothing private'}: {PRIVATE_REASONS[s.reason]}"
        for s in servers
    ]


@app.command("pending")
@command
def group_pending() -> None:
    """List members' requests to create a community (FEDIVERSE_GROUP_CREATION=approval)."""
    for line in run(list_creation_requests(load_settings())):
        typer.echo(line)


@app.command("allow")
@command
def group_allow(name: str) -> None:
    """Create the community NAME a member asked for (they become its first moderator)."""
    typer.echo(run(answer_creation(load_settings(), name, approve=True)))


@app.command("deny")
@command
def group_deny(name: str) -> None:
    """Refuse a member's request to create the community NAME."""
    typer.echo(run(answer_creation(load_settings(), name, approve=False)))


async def set_group_command(
    settings: Settings, name: str, changes: GroupChanges, as_user: str | None, reason: str
) -> list[str]:
    async with moderating(settings, as_user) as (ctx, conn, who):
        group = await find_group(ctx, name)
        results = await set_group(conn, ctx.urls, who, group, changes, reason)
    return [describe(result) for _, result in results]


async def list_creation_requests(settings: Settings) -> list[str]:
    async with management(settings) as (conn, urls):
        rows = await list_group_requests(conn)
    if not rows:
        return ["no requests to create a community"]
    return [
        f"{r['username']}\t@{r['requester']}@{urls.domain}\t{r['created_at']:%Y-%m-%d %H:%M}"
        f"\t{r['visibility']}{', closed' if r['closed'] else ''}\t{r['title']}"
        for r in rows
    ]


async def answer_creation(settings: Settings, name: str, *, approve: bool) -> str:
    async with management(settings) as (conn, urls):
        group = await answer_group_request(conn, urls, name, approve=approve)
    if group is None:
        return f"refused the community {name}"
    return f"created group @{group.username}@{urls.domain} ({group.uri})"
