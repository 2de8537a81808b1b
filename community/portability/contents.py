"""An archive's records, all read and checked before an import writes anything."""

from __future__ import annotations

from dataclasses import dataclass

from community.portability.archive import GROUP, KEY, Archive, ArchiveRefused
from community.portability.records import (
    ActorRecord,
    BanRecord,
    GroupRecord,
    KeyRecord,
    LogRecord,
    MemberRecord,
    PostRecord,
    TombstoneRecord,
    VoteRecord,
    read_document,
    read_section,
)
from community.remote import authority_of


@dataclass(frozen=True)
class Contents:
    """Everything an archive holds, validated; ``origin`` is the authority that vouches for
    it (the old server: the archive is its word for its own actors and objects)."""

    group: GroupRecord
    actors: list[ActorRecord]
    moderators: list[MemberRecord]
    followers: list[MemberRecord]
    posts: list[PostRecord]
    votes: list[VoteRecord]
    bans: list[BanRecord]
    tombstones: list[TombstoneRecord]
    modlog: list[LogRecord]
    key: KeyRecord | None

    @property
    def origin(self) -> str:
        return authority_of(self.group.id)

    @property
    def former_ids(self) -> list[str]:
        """The ids the community had: its old one, and those it had before."""
        return [self.group.id, *self.group.also_known_as]


def read_contents(archive: Archive) -> Contents:
    """Every record of ``archive``, or :class:`ArchiveRefused` naming the first bad one."""
    group = read_document(archive, GROUP, GroupRecord)
    if group.id != archive.group_uri:
        raise ArchiveRefused("group.json is not the group manifest.json names")
    server = archive.manifest.get("server")
    base_url = server.get("base_url") if isinstance(server, dict) else None
    if not isinstance(base_url, str) or authority_of(base_url) != authority_of(group.id):
        raise ArchiveRefused("the archive's group is not on the server that exported it")
    return Contents(
        group=group,
        actors=read_section(archive, "actors.jsonl", ActorRecord),
        moderators=read_section(archive, "moderators.jsonl", MemberRecord),
        followers=read_section(archive, "followers.jsonl", MemberRecord),
        posts=read_section(archive, "posts.jsonl", PostRecord),
        votes=read_section(archive, "votes.jsonl", VoteRecord),
        bans=read_section(archive, "bans.jsonl", BanRecord),
        tombstones=read_section(archive, "tombstones.jsonl", TombstoneRecord),
        modlog=read_section(archive, "modlog.jsonl", LogRecord),
        key=read_document(archive, KEY, KeyRecord) if archive.has_key else None,
    )
