"""RFC 3339 timestamps as the contract requires them: a date, a time and an explicit UTC offset.

An event must also have happened between `EARLIEST` (inclusive) and `LATEST` (exclusive), in UTC.
Offices' systems that lose their clock report 1970 or 0001, and a year-1 or year-9999 time cannot even
be moved to UTC or to the office's local date without leaving Python's datetime range, so one such
event would stop every consumer that computes with it. The range is wide enough for any real office
event (Pantau's offices went digital long after 2000) and keeps every derived date representable.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def parse_rfc3339(value: object) -> datetime:
    """Parse an RFC 3339 string into an aware datetime within [EARLIEST, LATEST).

    Rejects what Python's ISO parser would accept but the contract does not: numbers, dates without a
    time, times without an offset (a naive office clock cannot be placed on the timeline) and instants
    outside the accepted range (see the module docstring).
    """
    if not isinstance(value, str):
        raise ValueError("expected an RFC 3339 timestamp string")
    match = _RFC3339.match(value)
    if not match:
        raise ValueError("expected an RFC 3339 timestamp with offset, e.g. 2026-11-02T08:15:03.120+07:00")
    text = value.replace("t", "T").replace("z", "Z")
    fraction = match.group(1)  # the pattern's own group: no second search per timestamp
    if fraction and len(fraction) > 7:
        # Python keeps microseconds; nanosecond precision from some clocks is truncated, not refused.
        text = text.replace(fraction, fraction[:7])
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:  # e.g. month 13 or offset +25:00
        raise ValueError(f"not a valid timestamp: {exc}") from None
    # The year test comes first: comparing a year-1 or year-9999 time across offsets can overflow.
    if not EARLIEST.year - 1 <= parsed.year <= LATEST.year or not EARLIEST <= parsed < LATEST:
        raise ValueError(
            f"{value} is outside the accepted range {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} (UTC); "
            "check the office system's clock"
        )
    return parsed
