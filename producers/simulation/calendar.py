"""Which days an office opens: its weekly hours minus Indonesian holidays and cuti bersama."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from pantau.catalog import Office


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", categories=("public", "government"), years=year))


def is_holiday(day: date) -> bool:
    """A national holiday or cuti bersama (the `holidays` package's public and government categories)."""
    return day in _holidays(day.year)


def is_open(office: Office, day: date) -> bool:
    return office.opening_hours(day) is not None and not is_holiday(day)


def working_day_after(office: Office, moment: datetime, days: int) -> datetime:
    """Opening time of the `days`-th day after `moment` (local) on which the office is open."""
    day = moment.astimezone(office.zone).date()
    remaining = days
    while True:
        day += timedelta(days=1)
        if is_open(office, day):
            remaining -= 1
            if remaining <= 0:
                hours = office.opening_hours(day)
                assert hours is not None
                return office.local_datetime(day, hours.opens)
