"""Base models of the vocabulary: one-or-many, object-or-id, unknown fields kept.

AS2 Core §4.2 (JSON-LD compaction makes any property one value or an array) and §4.1 (an
object may be given as its ``id``): fields typed :data:`OneOrMany` of :data:`Ref` accept all of
these. Unknown properties are kept (``extra="allow"``) and the raw JSON is held beside the
model for byte-exact forwarding (``raw_json`` / ``raw_bytes``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeAlias, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, SerializeAsAny

T = TypeVar("T")
OneOrMany: TypeAlias = T | list[T]

#: AS2 ``type`` name → model class; filled by :func:`register`.
_REGISTRY: dict[str, type[ASObject]] = {}


class ASModel(BaseModel):
    """Base of every vocabulary model: AS2 names as aliases, unknown fields kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)


class ASObject(ASModel):
    """``Object`` (AS2 Vocabulary §2), the properties we read; everything else is kept."""

    as_type: ClassVar[str] = "Object"

    json_ld_context: Any = Field(default=None, alias="@context")
    id: str | None = None
    type: str | list[str] | None = None
    name: str | None = None
    summary: str | None = None
    content: str | None = None
    media_type: str | None = Field(default=None, alias="mediaType")
    source: Any = None
    url: OneOrMany[Ref] | None = None
    attributed_to: OneOrMany[Ref] | None = Field(default=None, alias="attributedTo")
    to: OneOrMany[Ref] | None = None
    cc: OneOrMany[Ref] | None = None
    bto: OneOrMany[Ref] | None = None
    bcc: OneOrMany[Ref] | None = None
    audience: OneOrMany[Ref] | None = None
    tag: OneOrMany[Ref] | None = None
    attachment: OneOrMany[Ref] | None = None
    in_reply_to: OneOrMany[Ref] | None = Field(default=None, alias="inReplyTo")
    context: Any = None
    icon: OneOrMany[Ref] | None = None
    image: OneOrMany[Ref] | None = None
    published: str | None = None
    updated: str | None = None
    sensitive: bool | None = None

    _raw_json: dict[str, Any] | None = PrivateAttr(default=None)
    _raw_bytes: bytes | None = PrivateAttr(default=None)

    @property
    def raw_json(self) -> dict[str, Any] | None:
        """The JSON object this model was parsed from (top-level parses only)."""
        return self._raw_json

    @property
    def raw_bytes(self) -> bytes | None:
        """The exact bytes parsed, when the model was parsed from bytes."""
        return self._raw_bytes

    def type_names(self) -> list[str]:
        """``type`` as a list (it may be one string or several)."""
        if self.type is None:
            return []
        return [self.type] if isinstance(self.type, str) else list(self.type)


class Link(ASObject):
    """``Link`` (AS2 Vocabulary §2): ``href`` and ``rel``; Mention and Hashtag extend it."""

    as_type: ClassVar[str] = "Link"

    href: str | None = None
    rel: OneOrMany[str] | None = None


class Mention(Link):
    """``Mention`` (AS2 Vocabulary §2)."""

    as_type: ClassVar[str] = "Mention"


class Hashtag(Link):
    """``Hashtag`` (``as:Hashtag``, https://docs.joinmastodon.org/spec/activitypub/#as)."""

    as_type: ClassVar[str] = "Hashtag"


def register(*models: type[ASObject]) -> None:
    """Make ``models`` the classes nested objects of their ``as_type`` are parsed into."""
    for model in models:
        _REGISTRY[model.as_type] = model


def model_for(data: dict[str, Any]) -> type[ASObject]:
    """The registered class for a JSON object's ``type`` (the first known one)."""
    names = data.get("type")
    for name in [names] if isinstance(names, str) else names if isinstance(names, list) else []:
        if isinstance(name, str) and name in _REGISTRY:
            return _REGISTRY[name]
    return ASObject


def _to_model(value: Any) -> Any:
    if isinstance(value, dict):
        return model_for(value).model_validate(value)
    return value


#: An object given inline (parsed into its registered class) or by its ``id``.
Ref: TypeAlias = Annotated[str | SerializeAsAny[ASObject], BeforeValidator(_to_model)]


def id_of(value: Any) -> str | None:
    """The id of an object-or-id value (the first, if several): ``"x"``, ``{"id": "x"}``,
    a model, or a list of those."""
    if isinstance(value, list):
        return id_of(value[0]) if value else None
    if isinstance(value, str):
        return value
    if isinstance(value, ASObject):
        return value.id
    if isinstance(value, dict):
        found = value.get("id")
        return found if isinstance(found, str) else None
    return None


def ids_of(value: Any) -> list[str]:
    """Every id in a one-or-many object-or-id value, in order, those without id skipped."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [found for found in map(id_of, items) if found is not None]


register(ASObject, Link, Mention, Hashtag)
ASObject.model_rebuild()
