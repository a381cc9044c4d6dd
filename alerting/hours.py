"""When an office is open: its catalog hours on local working days (holidays and cuti bersama off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pantau.catalog import Office
from streams.logic.working_days import WorkingDayCalendar


@dataclass(frozen=True)
class OpenSpan:
    """Today's opening and closing instants at one office (aware datetimes)."""

    opens: datetime
    closes: datetime


def open_span(office: Office, day: date, calendar: WorkingDayCalendar) -> OpenSpan | None:
    """Hours on a local date, or None on a holiday or a day without hours.

    Weekends are judged by the catalog hours (a Samsat open on Saturday is open), holidays by the calendar.
    """
    hours = office.opening_hours(day)
    if hours is None or calendar.is_holiday(day):
        return None
    return OpenSpan(office.local_datetime(day, hours.opens), office.local_datetime(day, hours.closes))


def span_at(office: Office, now: datetime, calendar: WorkingDayCalendar) -> OpenSpan | None:
    """The span of the office's local date at `now` (open or not yet/no longer)."""
    return open_span(office, now.astimezone(office.zone).date(), calendar)


def is_open(office: Office, now: datetime, calendar: WorkingDayCalendar, margin_s: float = 0.0) -> bool:
    """True within today's hours widened by `margin_s` on both sides."""
    span = span_at(office, now, calendar)
    if span is None:
        return False
    margin = timedelta(seconds=margin_s)
    return span.opens - margin <= now < span.closes + margin
