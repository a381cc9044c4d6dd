"""Time as the simulator handles it: float epoch seconds inside, RFC 3339 local time with ms outside.

Arithmetic on floats is several times faster than on datetimes, which matters at 50,000+ events/s.
Timestamps are rounded to whole milliseconds once, when an event is written, so the payload and the
record's `occurred_at` agree exactly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MINUTE_MS = 60_000
_TWO_DIGITS = tuple(f"{value:02d}" for value in range(60))
_THREE_DIGITS = tuple(f"{value:03d}" for value in range(1000))


def to_ms(seconds: float) -> int:
    """Epoch seconds to whole epoch milliseconds (rounded)."""
    return int(seconds * 1000.0 + 0.5)


def utc_datetime(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime.

    Exact: near today's epoch a float's error is under 0.5 us, and the conversion rounds to whole us.
    """
    return datetime.fromtimestamp(ms / 1000.0, UTC)


def epoch_seconds(moment: datetime) -> float:
    """An aware datetime as epoch seconds."""
    return (moment - EPOCH).total_seconds()


def offset_text(offset_s: int) -> str:
    """A UTC offset in RFC 3339 form, e.g. 25200 -> '+07:00'."""
    sign = "-" if offset_s < 0 else "+"
    minutes = abs(offset_s) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


class LocalStamper:
    """Formats epoch milliseconds as RFC 3339 at one UTC offset, e.g. 2026-11-02T08:15:03.120+07:00.

    Indonesian zones have had fixed offsets for decades, so one stamper per office is exact. The
    "date T hours:minutes:" part is cached per minute, since a busy office writes many events a minute;
    this formatting is the simulator's hottest path.
    """

    __slots__ = ("_minutes", "_offset_ms", "_suffix")

    def __init__(self, offset_s: int) -> None:
        self._offset_ms = offset_s * 1000
        self._suffix = offset_text(offset_s)
        self._minutes: dict[int, str] = {}

    def __call__(self, ms: int) -> str:
        minute, rest = divmod(ms + self._offset_ms, _MINUTE_MS)
        prefix = self._minutes.get(minute)
        if prefix is None:
            day, minute_of_day = divmod(minute, 1440)
            hours, minutes = divmod(minute_of_day, 60)
            calendar_day = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
            prefix = f"{calendar_day}T{_TWO_DIGITS[hours]}:{_TWO_DIGITS[minutes]}:"
            if len(self._minutes) > 4096:  # bounded: a long run must not grow it forever
                self._minutes.clear()
            self._minutes[minute] = prefix
        seconds, millis = divmod(rest, 1000)
        return f"{prefix}{_TWO_DIGITS[seconds]}.{_THREE_DIGITS[millis]}{self._suffix}"
