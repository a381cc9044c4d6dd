"""Punctuality (tepat waktu): counters opening later than the office's published schedule.

A counter's first counter.opened of a local day, later than the office's scheduled opening (catalog
hours, office time zone) by more than a grace (default 5 min), is a late opening. Days without
hours and holidays are not judged; re-openings after a break the same day are not openings. Events
are expected in event-time order per office, as for queue jumps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pantau.catalog.model import Office
from pantau.contract.models import CounterOpened
from streams.logic.working_days import DEFAULT_CALENDAR, WorkingDayCalendar

DEFAULT_OPENING_GRACE_S = 300.0


@dataclass(frozen=True)
class LateOpening:
    """A counter that opened later than the office's schedule allows."""

    office_id: str
    counter_id: str
    local_date: date
    scheduled_at: datetime
    opened_at: datetime
    minutes_late: float

    def to_dict(self) -> dict[str, Any]:
        """Plain form with UTC times, for a Kafka message or a report table."""
        return {
            "office_id": self.office_id,
            "counter_id": self.counter_id,
            "local_date": self.local_date,
            "scheduled_at": self.scheduled_at.astimezone(UTC),
            "opened_at": self.opened_at.astimezone(UTC),
            "minutes_late": self.minutes_late,
        }


class CounterPunctuality:
    """Late first openings of each counter of one office, per local day."""

    def __init__(
        self,
        office: Office,
        calendar: WorkingDayCalendar | None = DEFAULT_CALENDAR,
        grace_s: float = DEFAULT_OPENING_GRACE_S,
    ) -> None:
        """`calendar=None` judges holidays too (an office that opens on them by decree)."""
        self.office = office
        self.calendar = calendar
        self.grace_s = grace_s
        self._opened: dict[tuple[str, date], datetime] = {}

    def apply(self, event: CounterOpened) -> LateOpening | None:
        """A LateOpening for a counter's first opening of the day past schedule plus grace, else None."""
        if event.office_id != self.office.id:
            raise ValueError(f"event {event.event_id} is for office {event.office_id}, not {self.office.id}")
        local_day = event.occurred_at.astimezone(self.office.zone).date()
        key = (event.counter_id, local_day)
        if key in self._opened:
            return None
        self._opened[key] = event.occurred_at
        self._forget_before(local_day - timedelta(days=2))
        hours = self.office.opening_hours(local_day)
        if hours is None or (self.calendar is not None and self.calendar.is_holiday(local_day)):
            return None
        scheduled = self.office.local_datetime(local_day, hours.opens)
        late_s = (event.occurred_at - scheduled).total_seconds()
        if late_s <= self.grace_s:
            return None
        return LateOpening(
            office_id=self.office.id,
            counter_id=event.counter_id,
            local_date=local_day,
            scheduled_at=scheduled,
            opened_at=event.occurred_at,
            minutes_late=late_s / 60.0,
        )

    def opened_to_dict(self) -> dict[str, Any]:
        """The remembered first openings, plain and JSON-safe, for a Faust table keyed by office."""
        return {"opened": [[counter, day.isoformat(), at.isoformat()] for (counter, day), at in self._opened.items()]}

    def restore_opened(self, data: dict[str, Any]) -> None:
        """Take back the first openings saved by `opened_to_dict` (office, calendar and grace come from config)."""
        self._opened = {
            (str(counter), date.fromisoformat(day)): datetime.fromisoformat(at) for counter, day, at in data["opened"]
        }

    def _forget_before(self, day: date) -> None:
        for key in [key for key in self._opened if key[1] < day]:
            del self._opened[key]
