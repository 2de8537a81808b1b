"""Activity types (AS2 Vocabulary §3.1, ActivityPub §6–7) we send or receive."""

from __future__ import annotations

from typing import ClassVar

from federation.vocabulary.base import ASObject, OneOrMany, Ref, id_of, register


class Activity(ASObject):
    """``Activity``: ``actor`` did something to ``object`` (maybe at ``target``)."""

    as_type: ClassVar[str] = "Activity"

    actor: OneOrMany[Ref] | None = None
    object: OneOrMany[Ref] | None = None
    target: OneOrMany[Ref] | None = None
    origin: OneOrMany[Ref] | None = None
    result: OneOrMany[Ref] | None = None
    instrument: OneOrMany[Ref] | None = None

    @property
    def actor_uri(self) -> str | None:
        """The (first) actor's id."""
        return id_of(self.actor)

    @property
    def object_uri(self) -> str | None:
        """The (first) object's id, whether the object is inline or a reference."""
        return id_of(self.object)


class Follow(Activity):
    """``Follow``."""

    as_type: ClassVar[str] = "Follow"


class Accept(Activity):
    """``Accept`` (of a Follow: the Follow embedded or referenced)."""

    as_type: ClassVar[str] = "Accept"


class Reject(Activity):
    """``Reject``."""

    as_type: ClassVar[str] = "Reject"


class Undo(Activity):
    """``Undo``."""

    as_type: ClassVar[str] = "Undo"


class Create(Activity):
    """``Create``."""

    as_type: ClassVar[str] = "Create"


class Update(Activity):
    """``Update``."""

    as_type: ClassVar[str] = "Update"


class Delete(Activity):
    """``Delete``."""

    as_type: ClassVar[str] = "Delete"


class Announce(Activity):
    """``Announce``: a boost, or a group re-sharing (FEP-1b12)."""

    as_type: ClassVar[str] = "Announce"


class Like(Activity):
    """``Like``: a favourite or an upvote."""

    as_type: ClassVar[str] = "Like"


class Dislike(Activity):
    """``Dislike``: a downvote."""

    as_type: ClassVar[str] = "Dislike"


class Block(Activity):
    """``Block``: also a Lemmy community ban (with ``target``)."""

    as_type: ClassVar[str] = "Block"


class Lock(Activity):
    """``Lock`` (Lemmy): a thread (or a comment's replies) takes no more replies; ``Undo`` of
    it unlocks (``LemmyNet/lemmy`` ``crates/apub/apub/assets/lemmy/activities/community/
    lock_page.json``)."""

    as_type: ClassVar[str] = "Lock"


class Flag(Activity):
    """``Flag``: a report."""

    as_type: ClassVar[str] = "Flag"


class Move(Activity):
    """``Move``: an account or community moved."""

    as_type: ClassVar[str] = "Move"


class Add(Activity):
    """``Add``: a moderator or a featured post (``target`` names the collection)."""

    as_type: ClassVar[str] = "Add"


class Remove(Activity):
    """``Remove``."""

    as_type: ClassVar[str] = "Remove"


register(
    Activity,
    Follow,
    Accept,
    Reject,
    Undo,
    Create,
    Update,
    Delete,
    Announce,
    Like,
    Dislike,
    Block,
    Lock,
    Flag,
    Move,
    Add,
    Remove,
)
