"""HTTP dates (RFC 9110 §5.6.7): the ``Date`` we sign, the ``Date`` we check.

https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7 — senders make IMF-fixdate
(``Sun, 06 Nov 1994 08:49:37 GMT``); recipients also accept the two obsolete forms.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

_IMF_FIXDATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def format_http_date(now: datetime) -> str:
    """Format an aware datetime as an IMF-fixdate (RFC 9110 §5.6.7), e.g. for ``Date``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return format_datetime(now.astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> float | None:
    """Seconds since the epoch of an HTTP date (RFC 9110 §5.6.7), or ``None``.

    IMF-fixdate (what everyone sends) takes a fast path; the obsolete forms go through
    :func:`email.utils.parsedate_to_datetime`.
    """
    match = _IMF_FIXDATE.match(value)
    if match is not None:
        day, month, year, hour, minute, second = match.groups()
        try:
            moment = datetime(
                int(year),
                _MONTHS[month],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=UTC,
            )
        except ValueError:
            return None
        return moment.timestamp()
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
