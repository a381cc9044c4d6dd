"""Working days in an office's local calendar: weekends, national holidays, cuti bersama, overrides.

Deadlines of complaints (and service standards in "hari kerja") count working days: Monday to
Friday, minus national public holidays and cuti bersama (the `holidays` package's "public" and
"government" categories for Indonesia), minus extra dates decreed mid-year, plus dates whose holiday
was cancelled. The date a deadline lands on depends on the office's time zone (a complaint filed at
23:30 WIT on Friday is filed on Friday there, but still Friday 21:30 in WIB and 22:30 in WITA).

Deadline convention: the filing day is day 0, whatever the hour and even when it is a working day;
day 1 is the first working day after it. The deadline of "n working days" is the end of the n-th
working day, 23:59:59.999 local time (the last instant DateTime64(3) can show on that date), returned
in UTC. Something done at or before the deadline is on time. n = 0 means the end of the filing day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

HOLIDAY_CATEGORIES = ("public", "government")
END_OF_DAY = time(23, 59, 59, 999_000)


@lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[date]:
    """Indonesian public holidays and cuti bersama of a year, as the `holidays` package knows them."""
    return frozenset(holidays.country_holidays("ID", categories=HOLIDAY_CATEGORIES, years=year))


class WorkingDayCalendar:
    """Which local dates are working days, with configurable extra and cancelled holidays."""

    def __init__(
        self,
        extra_holidays: Iterable[date] = (),
        cancelled_holidays: Iterable[date] = (),
        weekend: Iterable[int] = (5, 6),
    ) -> None:
        """`weekend` holds weekday numbers (Monday = 0); a cancelled holiday that falls on one stays off."""
        self.extra_holidays = frozenset(extra_holidays)
        self.cancelled_holidays = frozenset(cancelled_holidays)
        self.weekend = frozenset(weekend)

    def is_holiday(self, day: date) -> bool:
        """A national holiday, cuti bersama or extra holiday that was not cancelled."""
        if day in self.cancelled_holidays:
            return False
        return day in self.extra_holidays or day in national_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        """Not a weekend day and not a holiday."""
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (not counting `day`); `day` itself for n = 0."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_working_days(self, start: datetime, n: int, tz: ZoneInfo | str) -> datetime:
        """Deadline (UTC) of `n` working days from `start`: the end of the n-th working day, local time."""
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        if start.tzinfo is None:
            raise ValueError(f"naive timestamp {start.isoformat()}: pass an aware datetime")
        local_day = start.astimezone(zone).date()
        due_day = self.nth_working_day_after(local_day, n)
        return datetime.combine(due_day, END_OF_DAY, tzinfo=zone).astimezone(UTC)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days after `start` `end` is (0 if not after)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


DEFAULT_CALENDAR = WorkingDayCalendar()


def add_working_days(
    start: datetime, n: int, tz: ZoneInfo | str, calendar: WorkingDayCalendar | None = None
) -> datetime:
    """`WorkingDayCalendar.add_working_days` on the default calendar (no overrides) unless one is given."""
    return (calendar or DEFAULT_CALENDAR).add_working_days(start, n, tz)
