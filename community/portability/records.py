"""The records of a community archive, as written and as read back (validated).

Our own records use snake_case keys; what they carry of ActivityPub (a post's object, a log
item, the group's actor document) is AS2 exactly as stored. Every id is an http(s) URI.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from community.portability.archive import Archive, ArchiveRefused

MAX_URI = 2048


def _uri(value: str) -> str:
    if not value.startswith(("https://", "http://")) or len(value) > MAX_URI:
        raise ValueError("not an http(s) URI")
    return value


Uri = Annotated[str, AfterValidator(_uri)]
Text = Annotated[str, Field(max_length=100_000)]


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class GroupRecord(Record):
    """``group.json``: the profile, the settings and rules, the ids it had; and its actor
    document as it was served."""

    id: Uri
    username: Annotated[str, Field(max_length=100)]
    name: Annotated[str, Field(max_length=200)] = ""
    summary: Text = ""
    icon_url: Uri | None = None
    discoverable: bool = True
    closed: bool = False
    #: (issue 15) absent in older archives: private when closed, else public
    visibility: Literal["public", "unlisted", "private"] | None = None
    posting: Literal["members", "anyone", "moderators"] = "members"
    premoderation: Literal["off", "new", "all"] = "off"
    quorum: Literal["majority", "unanimous"] = "majority"
    also_known_as: list[Uri] = Field(default_factory=list, max_length=100)
    moved_to: Uri | None = None
    published: datetime | None = None
    document: dict[str, Any] = Field(default_factory=dict)


class ActorRecord(Record):
    """``actors.jsonl``: everyone the community's content names (authors, moderators, voters,
    the banned, who acted on the log), as the old server knew them."""

    id: Uri
    type: Literal["Person", "Group", "Application", "Service", "Organization"]
    username: Annotated[str, Field(max_length=100)]
    name: Annotated[str, Field(max_length=200)] = ""
    summary: Text = ""
    url: Uri | None = None
    icon_url: Uri | None = None
    inbox: Uri | None = None
    shared_inbox: Uri | None = None
    outbox: Uri | None = None
    followers: Uri | None = None
    following: Uri | None = None


class MemberRecord(Record):
    """``moderators.jsonl`` and ``followers.jsonl``: who, and since when."""

    actor: Uri
    since: datetime | None = None


class PostRecord(Record):
    """``posts.jsonl``: a thread or comment, its moderation state, and its object as stored."""

    id: Uri
    author: Uri
    in_reply_to: Uri | None = None
    published: datetime | None = None
    pinned: bool = False
    locked: bool = False
    removed: bool = False
    removal_reason: Text = ""
    object: dict[str, Any]


class VoteRecord(Record):
    """``votes.jsonl``: a ``Like`` or ``Dislike`` (its activity id) of a post."""

    id: Uri
    type: Literal["Like", "Dislike"]
    actor: Uri
    object: Uri
    published: datetime | None = None


class BanRecord(Record):
    """``bans.jsonl``: someone banned from the community (until ``expires``)."""

    actor: Uri
    reason: Text = ""
    expires: datetime | None = None
    id: Uri | None = None
    since: datetime | None = None


class TombstoneRecord(Record):
    """``tombstones.jsonl``: a post its author deleted (it stays deleted)."""

    id: Uri


class LogRecord(Record):
    """``modlog.jsonl``: one entry of the moderation log, its item as served."""

    kind: Annotated[str, Field(max_length=64)]
    actor: Uri
    by_admin: bool = False
    reason: Text = ""
    published: datetime | None = None
    item: dict[str, Any]


class KeyRecord(Record):
    """``key.json``: the group's key pair (only when the moderators asked for it)."""

    id: Uri
    public_key_pem: Annotated[str, Field(max_length=20_000)]
    private_key_pem: Annotated[str, Field(max_length=20_000)]


R = TypeVar("R", bound=Record)


def read_document(archive: Archive, name: str, model: type[R]) -> R:
    try:
        return model.model_validate(archive.document(name))
    except ValidationError as exc:
        raise ArchiveRefused(f"{name}: {_first_error(exc)}") from None


def read_section(archive: Archive, name: str, model: type[R]) -> list[R]:
    found = []
    for number, record in archive.records(name):
        try:
            found.append(model.model_validate(record))
        except ValidationError as exc:
            raise ArchiveRefused(f"{name} line {number}: {_first_error(exc)}") from None
    return found


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
