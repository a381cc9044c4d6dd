"""Which days an office serves the public, and when: weekly hours minus Indonesian holidays.

Holidays are the `holidays` package's "public" and "government" categories for Indonesia; the latter
is cuti bersama (joint leave), on which offices are closed too. A Saturday with hours (Samsat) is a
working day unless it is a holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from pantau.catalog import Office
from producers.simulator.clock import epoch_seconds


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", categories=("public", "government"), years=year))


def is_holiday(day: date) -> bool:
    """A national holiday or cuti bersama."""
    return day in _holidays(day.year)


@dataclass(frozen=True, slots=True)
class OpenDay:
    """One local day on which an office is open: opening and closing as epoch seconds."""

    day: date
    opens: float
    closes: float
    utc_offset_s: int
    local_midnight: float  # epoch seconds of 00:00 local, to place times in the daily profile

    def local_minute(self, moment: float) -> float:
        """Minutes since local midnight of this day."""
        return (moment - self.local_midnight) / 60.0


class OfficeCalendar:
    """An office's open days, computed once per date (opening hours are parsed per call otherwise)."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self._days: dict[date, OpenDay | None] = {}

    def open_day(self, day: date) -> OpenDay | None:
        """The day's hours as epoch seconds, or None on weekends without hours and on holidays."""
        if day in self._days:
            return self._days[day]
        hours = self.office.opening_hours(day)
        result: OpenDay | None = None
        if hours is not None and not is_holiday(day):
            opens = self.office.local_datetime(day, hours.opens)
            offset = opens.utcoffset()
            midnight = datetime.combine(day, datetime.min.time(), tzinfo=self.office.zone)
            result = OpenDay(
                day=day,
                opens=epoch_seconds(opens),
                closes=epoch_seconds(self.office.local_datetime(day, hours.closes)),
                utc_offset_s=int(offset.total_seconds()) if offset is not None else 0,
                local_midnight=epoch_seconds(midnight),
            )
        self._days[day] = result
        return result

    def working_day_after(self, day: date, count: int) -> OpenDay:
        """The `count`-th open day after `day` (hari kerja, as complaint deadlines are counted)."""
        current = day
        remaining = max(1, count)
        while True:
            current += timedelta(days=1)
            open_day = self.open_day(current)
            if open_day is not None:
                remaining -= 1
                if remaining == 0:
                    return open_day

    def local_midnight_after(self, day: date) -> float:
        """Epoch seconds of 00:00 local on the day after `day`: where a local day ends."""
        return epoch_seconds(datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=self.office.zone))
