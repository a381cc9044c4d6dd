"""RFC 3339 timestamps as the contract requires them: a date, a time and an explicit UTC offset."""

from __future__ import annotations

import re
from datetime import datetime

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


def parse_rfc3339(value: object) -> datetime:
    """Parse an RFC 3339 string into an aware datetime.

    Rejects what Python's ISO parser would accept but the contract does not: numbers, dates without a
    time and times without an offset (a naive office clock cannot be placed on the timeline).
    """
    if not isinstance(value, str):
        raise ValueError("expected an RFC 3339 timestamp string")
    if not _RFC3339.match(value):
        raise ValueError("expected an RFC 3339 timestamp with offset, e.g. 2026-11-02T08:15:03.120+07:00")
    text = value.replace("t", "T").replace("z", "Z")
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:
        # Python keeps microseconds; nanosecond precision from some clocks is truncated, not refused.
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:  # e.g. month 13 or offset +25:00
        raise ValueError(f"not a valid timestamp: {exc}") from None
