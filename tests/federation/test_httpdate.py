"""HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, all three forms in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from federation.httpdate import format_http_date, parse_http_date

MOMENT = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_format_is_imf_fixdate_in_gmt() -> None:
    assert format_http_date(MOMENT) == "Sun, 06 Nov 1994 08:49:37 GMT"
    paris = MOMENT.astimezone(timezone(timedelta(hours=1)))
    assert format_http_date(paris) == "Sun, 06 Nov 1994 08:49:37 GMT"


def test_format_wants_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_http_date(datetime(1994, 11, 6, 8, 49, 37))


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # obsolete RFC 850
        "Sun Nov  6 08:49:37 1994",  # obsolete asctime
    ],
)
def test_parse_reads_every_form(value: str) -> None:
    assert parse_http_date(value) == MOMENT.timestamp()


@pytest.mark.parametrize("value", ["", "yesterday", "Sun, 31 Feb 1994 08:49:37 GMT"])
def test_parse_answers_none_for_what_is_no_date(value: str) -> None:
    assert parse_http_date(value) is None
