"""One office on one local day: every event it produces, plus follow-ups due on later days."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

from pantau.catalog import Catalog
from producers.simulation.arrivals import arrival_times
from producers.simulation.calendar import is_open, working_day_after
from producers.simulation.feedback import complaint_for, follow_ups, survey_for
from producers.simulation.profiles import OfficeProfile
from producers.simulation.queueing import LAST_ISSUE_BEFORE_CLOSE, ServiceDay, TimedEvent, run_service_day


def office_day(
    profile: OfficeProfile, catalog: Catalog, day: date, seed: int
) -> tuple[list[TimedEvent], list[TimedEvent]]:
    """(events of the day, follow-up events on later days); both empty when the office is closed."""
    office = profile.office
    if not is_open(office, day):
        return [], []
    hours = office.opening_hours(day)
    assert hours is not None
    rng = profile.rng(seed, day)
    opens = office.local_datetime(day, hours.opens)
    closes = office.local_datetime(day, hours.closes)
    events: list[TimedEvent] = []
    tickets = []
    counter_number = 0
    for code in office.services:
        counters = []
        for _ in range(profile.counters[code]):
            counter_number += 1
            counters.append(f"L{counter_number:02d}")
        service_day = ServiceDay(
            service=catalog.service(code),
            counters=counters,
            arrivals=arrival_times(rng, opens, closes - LAST_ISSUE_BEFORE_CLOSE, profile.arrivals_per_hour[code]),
            opens=opens,
            closes=closes,
            counter_delays_s=[_opening_delay(rng, profile.late_opener) for _ in counters],
            service_time_factor=profile.service_time_factor,
        )
        tickets += run_service_day(rng, service_day, events)
    later: list[TimedEvent] = []
    surveys = complaints = 0
    for ticket in sorted(tickets, key=lambda t: t.issued):
        survey = survey_for(rng, ticket, surveys + 1)
        if survey is not None:
            surveys += 1
            events.append(survey)
        complaint = complaint_for(rng, ticket, profile.understaffed, complaints + 1)
        if complaint is not None:
            complaints += 1
            events.append(complaint)
            filed_at, body = complaint
            later += follow_ups(
                rng, str(body["complaint_id"]), filed_at, lambda moment, days: working_day_after(office, moment, days)
            )
    return events, later


def _opening_delay(rng: random.Random, late_opener: bool) -> float:
    if late_opener and rng.random() < 0.5:
        return rng.uniform(6, 30) * 60
    if rng.random() < 0.1:
        return rng.uniform(1, 8) * 60
    return rng.uniform(0, 60)


def stamp(body: dict[str, Any], office_id: str, at: datetime, event_id: str) -> dict[str, Any]:
    """The full contract-v1 event: common fields first, as offices' systems send them."""
    return {
        "event_id": event_id,
        "type": body["type"],
        "office_id": office_id,
        "occurred_at": at.isoformat(timespec="milliseconds"),
        "v": 1,
        **{key: value for key, value in body.items() if key != "type"},
    }
