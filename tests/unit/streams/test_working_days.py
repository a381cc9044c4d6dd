"""Working days in the office's local calendar: weekends, holidays, cuti bersama, overrides, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from streams.logic.working_days import WorkingDayCalendar, add_working_days

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999000, tzinfo=zone).astimezone(UTC)


def test_three_working_days_from_a_friday_end_on_wednesday_night() -> None:
    filed = datetime(2026, 11, 6, 10, 0, tzinfo=WIB)  # Friday

    due = add_working_days(filed, 3, WIB)

    assert due == end_of_local_day(date(2026, 11, 11), WIB)
    assert due.tzinfo == UTC


def test_nyepi_idul_fitri_and_their_cuti_bersama_are_skipped() -> None:
    # Thu 19 Mar 2026 Nyepi; 20 and 23-24 Mar cuti bersama / Idul Fitri; 21-22 weekend.
    filed = datetime(2026, 3, 18, 9, 0, tzinfo=WIB)

    due = add_working_days(filed, 3, WIB)

    assert due == end_of_local_day(date(2026, 3, 27), WIB)


def test_the_local_date_of_filing_depends_on_the_office_time_zone() -> None:
    moment = datetime(2026, 11, 5, 15, 30, tzinfo=UTC)  # Thu 22:30 WIB, Fri 00:30 WIT

    assert add_working_days(moment, 1, WIB) == end_of_local_day(date(2026, 11, 6), WIB)
    assert add_working_days(moment, 1, WIT) == end_of_local_day(date(2026, 11, 9), WIT)


def test_filing_on_a_weekend_counts_from_monday() -> None:
    filed = datetime(2026, 11, 7, 11, 0, tzinfo=WIB)  # Saturday

    assert add_working_days(filed, 1, "Asia/Jakarta") == end_of_local_day(date(2026, 11, 9), WIB)
    assert add_working_days(filed, 0, WIB) == end_of_local_day(date(2026, 11, 7), WIB)


def test_overrides_add_and_cancel_holidays() -> None:
    calendar = WorkingDayCalendar(extra_holidays=[date(2026, 11, 9)], cancelled_holidays=[date(2026, 12, 24)])

    assert not calendar.is_working_day(date(2026, 11, 9))  # decreed mid-year
    assert calendar.is_working_day(date(2026, 12, 24))  # cuti bersama withdrawn
    assert not WorkingDayCalendar().is_working_day(date(2026, 12, 24))
    filed = datetime(2026, 11, 6, 10, 0, tzinfo=WIB)
    assert calendar.add_working_days(filed, 1, WIB) == end_of_local_day(date(2026, 11, 10), WIB)


def test_working_days_between_counts_after_the_start() -> None:
    calendar = WorkingDayCalendar()

    assert calendar.working_days_between(date(2026, 11, 6), date(2026, 11, 11)) == 3
    assert calendar.working_days_between(date(2026, 11, 11), date(2026, 11, 6)) == 0


def test_negative_counts_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="n must be"):
        add_working_days(datetime(2026, 11, 6, tzinfo=timezone(timedelta(hours=7))), -1, WIB)
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2026, 11, 6), 1, WIB)
