"""Object types we read: AS2 Vocabulary §3.3 (Note, Page, Article, Question, Event, Image,
Tombstone) and §2 collections (Collection, OrderedCollection and their pages)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from federation.vocabulary.base import ASObject, OneOrMany, Ref, register


class Note(ASObject):
    """``Note``: a comment (Lemmy), a status (Mastodon)."""

    as_type: ClassVar[str] = "Note"


class Page(ASObject):
    """``Page``: a Lemmy / PieFed post with a title (``name``)."""

    as_type: ClassVar[str] = "Page"


class Article(ASObject):
    """``Article``: a long-form post."""

    as_type: ClassVar[str] = "Article"


class Question(ASObject):
    """``Question``: a poll; ``oneOf`` (single choice) or ``anyOf`` (multiple choice)."""

    as_type: ClassVar[str] = "Question"

    one_of: list[Ref] | None = Field(default=None, alias="oneOf")
    any_of: list[Ref] | None = Field(default=None, alias="anyOf")
    end_time: str | None = Field(default=None, alias="endTime")
    closed: Any = None
    voters_count: int | None = Field(default=None, alias="votersCount")


class Event(ASObject):
    """``Event``."""

    as_type: ClassVar[str] = "Event"

    start_time: str | None = Field(default=None, alias="startTime")
    end_time: str | None = Field(default=None, alias="endTime")
    location: OneOrMany[Ref] | None = None


class Image(ASObject):
    """``Image`` (icons, headers, attachments)."""

    as_type: ClassVar[str] = "Image"


class Document(ASObject):
    """``Document`` (attachments)."""

    as_type: ClassVar[str] = "Document"


class Tombstone(ASObject):
    """``Tombstone``: what a deleted object became (AS2 Vocabulary §3.3, ActivityPub §6.4)."""

    as_type: ClassVar[str] = "Tombstone"

    former_type: str | None = Field(default=None, alias="formerType")
    deleted: str | None = None


class Collection(ASObject):
    """``Collection``: followers, moderators, featured…"""

    as_type: ClassVar[str] = "Collection"

    total_items: int | None = Field(default=None, alias="totalItems")
    first: Ref | None = None
    last: Ref | None = None
    current: Ref | None = None
    items: OneOrMany[Ref] | None = None


class OrderedCollection(Collection):
    """``OrderedCollection``: outboxes, Lemmy's moderators and featured collections."""

    as_type: ClassVar[str] = "OrderedCollection"

    ordered_items: OneOrMany[Ref] | None = Field(default=None, alias="orderedItems")


class CollectionPage(Collection):
    """``CollectionPage``."""

    as_type: ClassVar[str] = "CollectionPage"

    part_of: Ref | None = Field(default=None, alias="partOf")
    next: Ref | None = None
    prev: Ref | None = None


class OrderedCollectionPage(OrderedCollection):
    """``OrderedCollectionPage``."""

    as_type: ClassVar[str] = "OrderedCollectionPage"

    part_of: Ref | None = Field(default=None, alias="partOf")
    next: Ref | None = None
    prev: Ref | None = None
    start_index: int | None = Field(default=None, alias="startIndex")


register(
    Note,
    Page,
    Article,
    Question,
    Event,
    Image,
    Document,
    Tombstone,
    Collection,
    OrderedCollection,
    CollectionPage,
    OrderedCollectionPage,
)
