"""Parsing JSON into vocabulary models, keeping the raw JSON (and bytes) beside them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from federation.errors import VocabularyError
from federation.vocabulary.activities import Activity
from federation.vocabulary.actors import Actor
from federation.vocabulary.base import ASObject, model_for

M = TypeVar("M", bound=ASObject)


def parse_object(data: Mapping[str, Any] | bytes | str) -> ASObject:
    """Parse any AS2 object into its registered class (``ASObject`` if unknown)."""
    return _parse(data, ASObject)


def parse_activity(data: Mapping[str, Any] | bytes | str) -> Activity:
    """Parse an activity; :class:`VocabularyError` if its ``type`` is not an activity."""
    return _parse(data, Activity)


def parse_actor(data: Mapping[str, Any] | bytes | str) -> Actor:
    """Parse an actor; :class:`VocabularyError` if its ``type`` is not an actor type."""
    return _parse(data, Actor)


def _parse(data: Mapping[str, Any] | bytes | str, expected: type[M]) -> M:
    raw_bytes: bytes | None = data.encode("utf-8") if isinstance(data, str) else None
    if isinstance(data, bytes):
        raw_bytes = data
    if raw_bytes is not None:
        try:
            loaded = orjson.loads(raw_bytes)
        except orjson.JSONDecodeError as exc:
            raise VocabularyError("not JSON", detail=str(exc)) from exc
    else:
        assert isinstance(data, Mapping)
        loaded = dict(data)
    if not isinstance(loaded, dict):
        raise VocabularyError("not a JSON object")
    model = model_for(loaded)
    if not issubclass(model, expected):
        raise VocabularyError(f"not an {expected.as_type}", detail=str(loaded.get("type")))
    try:
        parsed = model.model_validate(loaded)
    except ValidationError as exc:
        raise VocabularyError("invalid Activity Streams 2.0", detail=str(exc)) from exc
    parsed._raw_json = loaded
    parsed._raw_bytes = raw_bytes
    return parsed
