"""Rows as frozen dataclasses: how a record becomes one, and how a query fetches one.

Every table of the core that is read as a value (actors, posts, follows, apps, tokens,
notifications, activities) has a frozen dataclass deriving from :class:`Row`; its fields are
read from a record by name. :func:`fetch_row` is the one way a repository function turns
"the row this query finds, if any" into such a value.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self, TypeVar

from community.storage.database import Conn, Record


class Row:
    """Base of the dataclasses that stand for one row: each field is the column of its name
    (a field the query does not select keeps its default)."""

    @classmethod
    def from_record(cls, record: Record) -> Self:
        names = [f.name for f in dataclasses.fields(cls) if f.name in record]  # type: ignore[arg-type]
        return cls(**{name: record[name] for name in names})


R = TypeVar("R", bound=Row)


async def fetch_row(conn: Conn, kind: type[R], query: str, *args: Any) -> R | None:
    """The row ``query`` finds, as a ``kind``; None when it finds none."""
    record = await conn.fetchrow(query, *args)
    return None if record is None else kind.from_record(record)
