"""Actor types (AS2 Vocabulary §3.2, ActivityPub §4.1) with the extensions servers rely on.

``publicKey`` (W3C Security Vocabulary v1, https://w3id.org/security/v1), ``endpoints``
``sharedInbox`` (ActivityPub §4.1), ``manuallyApprovesFollowers`` (``as:``), ``featured``
and ``discoverable`` (Mastodon ``toot:``), and for groups Lemmy's ``attributedTo`` →
moderators collection and ``postingRestrictedToMods`` (FEP-1b12 communities).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from federation.vocabulary.base import ASModel, ASObject, OneOrMany, Ref, id_of, register


class PublicKey(ASModel):
    """An actor's ``publicKey``: ``id``, ``owner``, ``publicKeyPem``."""

    id: str | None = None
    owner: str | None = None
    public_key_pem: str | None = Field(default=None, alias="publicKeyPem")


class Endpoints(ASModel):
    """``endpoints`` of an actor; we read ``sharedInbox``."""

    shared_inbox: str | None = Field(default=None, alias="sharedInbox")


class Actor(ASObject):
    """What every actor type shares."""

    as_type: ClassVar[str] = "Actor"

    preferred_username: str | None = Field(default=None, alias="preferredUsername")
    inbox: str | None = None
    outbox: str | None = None
    followers: Ref | None = None
    following: Ref | None = None
    featured: Ref | None = None
    endpoints: Endpoints | None = None
    public_key: OneOrMany[PublicKey] | None = Field(default=None, alias="publicKey")
    manually_approves_followers: bool | None = Field(
        default=None, alias="manuallyApprovesFollowers"
    )
    discoverable: bool | None = None
    posting_restricted_to_mods: bool | None = Field(default=None, alias="postingRestrictedToMods")
    moved_to: str | None = Field(default=None, alias="movedTo")
    also_known_as: OneOrMany[str] | None = Field(default=None, alias="alsoKnownAs")

    def public_keys(self) -> list[PublicKey]:
        """``publicKey`` as a list (one key or several)."""
        if self.public_key is None:
            return []
        return self.public_key if isinstance(self.public_key, list) else [self.public_key]

    def find_key(self, key_id: str) -> PublicKey | None:
        """The published key with ``id == key_id``."""
        return next((key for key in self.public_keys() if key.id == key_id), None)

    @property
    def shared_inbox_uri(self) -> str | None:
        """``endpoints.sharedInbox``, if any."""
        return self.endpoints.shared_inbox if self.endpoints else None

    @property
    def delivery_inbox_uri(self) -> str | None:
        """Where to deliver: the shared inbox when there is one, else the actor's inbox."""
        return self.shared_inbox_uri or self.inbox

    @property
    def moderators_uri(self) -> str | None:
        """A group's moderators collection (Lemmy puts it in ``attributedTo``)."""
        return id_of(self.attributed_to)


class Person(Actor):
    """``Person``."""

    as_type: ClassVar[str] = "Person"


class Group(Actor):
    """``Group``: a community (FEP-1b12)."""

    as_type: ClassVar[str] = "Group"


class Service(Actor):
    """``Service``: a bot, or an instance actor on some servers."""

    as_type: ClassVar[str] = "Service"


class Application(Actor):
    """``Application``: the instance actor (FEP-2677)."""

    as_type: ClassVar[str] = "Application"


class Organization(Actor):
    """``Organization``."""

    as_type: ClassVar[str] = "Organization"


ACTOR_TYPES = frozenset({"Person", "Group", "Service", "Application", "Organization"})

register(Person, Group, Service, Application, Organization)
