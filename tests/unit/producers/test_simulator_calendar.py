"""Offices keep their own calendar: local hours, closed on weekends and holidays, counters on time (mostly)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache

from producers.simulator.calendar import is_holiday
from producers.simulator.queueing import DRAIN_MARGIN_S, ISSUE_STOP_S
from tests.unit.producers.simulator_runs import CATALOG, CHRISTMAS, TICKET_TYPES, WEEK, Event, at, run

GRACE = timedelta(minutes=5)  # the punctuality rule's grace


def _hours(event: Event) -> tuple[datetime, datetime]:
    """The office's opening and closing on the local day of the event (its timestamp is local)."""
    return _hours_on(event["office_id"], date.fromisoformat(event["occurred_at"][:10]))


@cache
def _hours_on(office_id: str, day: date) -> tuple[datetime, datetime]:
    office = CATALOG.office(office_id)
    hours = office.opening_hours(day)
    assert hours is not None, (office_id, day, "a day without hours")
    return office.local_datetime(day, hours.opens), office.local_datetime(day, hours.closes)


def test_the_holidays_are_cuti_bersama_and_christmas() -> None:
    assert is_holiday(date(2026, 12, 24)) and is_holiday(date(2026, 12, 25))
    assert not is_holiday(date(2026, 12, 23))


def test_no_ticket_or_counter_event_on_weekends_without_hours_or_on_holidays() -> None:
    days_by_office: dict[str, set[date]] = defaultdict(set)
    for event in run(CHRISTMAS).events:
        if event["type"] in TICKET_TYPES or event["type"].startswith("counter."):
            office = CATALOG.office(event["office_id"])
            days_by_office[office.id].add(at(event).astimezone(office.zone).date())
    assert len(days_by_office) == CHRISTMAS.offices
    for office_id, days in days_by_office.items():
        office = CATALOG.office(office_id)
        expected = {date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 28)}
        if "sat" in office.hours:
            expected.add(date(2026, 12, 26))  # Samsat opens on Saturday; the 26th is no holiday
        assert days == expected, office_id


def test_tickets_are_issued_only_while_open_and_served_within_the_drain_margin() -> None:
    for event in run(WEEK).events:
        if event["type"] not in TICKET_TYPES:
            continue
        opens, closes = _hours(event)
        moment = at(event)
        assert moment >= opens, event
        assert moment <= closes + timedelta(seconds=DRAIN_MARGIN_S), event
        if event["type"] == "ticket.issued":
            assert moment < closes - timedelta(seconds=ISSUE_STOP_S), event


def test_no_ticket_is_called_while_its_counter_is_closed() -> None:
    open_counters: set[tuple[str, str]] = set()
    for event in run(WEEK).events:
        counter = (event["office_id"], event.get("counter_id", ""))
        if event["type"] == "counter.opened":
            open_counters.add(counter)
        elif event["type"] == "counter.closed":
            open_counters.discard(counter)
        elif event["type"] == "ticket.called":
            assert counter in open_counters, event


def test_counters_open_at_opening_and_late_mostly_at_chronically_late_offices() -> None:
    first_opening: dict[tuple[str, str, date], datetime] = {}
    for event in run(WEEK).events:
        if event["type"] == "counter.opened":
            office = CATALOG.office(event["office_id"])
            key = (office.id, event["counter_id"], at(event).astimezone(office.zone).date())
            first_opening.setdefault(key, at(event))
    late = {True: [0, 0], False: [0, 0]}  # chronically late? -> [late openings, openings]
    profiles = run(WEEK).profiles
    for (office_id, _, _), opened in first_opening.items():
        office = CATALOG.office(office_id)
        opens, _ = _hours_on(office_id, opened.astimezone(office.zone).date())
        assert opened >= opens
        tally = late[profiles[office_id].chronically_late]
        tally[0] += opened > opens + GRACE
        tally[1] += 1
    assert late[True][1] > 0 and late[False][1] > 0
    assert late[False][0] / late[False][1] < 0.08
    assert late[True][0] / late[True][1] > 0.4


def test_complaint_follow_ups_come_on_later_working_days_within_hours() -> None:
    events = run(WEEK).events
    filed = {(e["office_id"], e["complaint_id"]): at(e) for e in events if e["type"] == "complaint.filed"}
    responded = {}
    for event in events:
        if event["type"] in ("complaint.responded", "complaint.resolved"):
            opens, closes = _hours(event)
            assert opens <= at(event) <= closes
            key = (event["office_id"], event["complaint_id"])
            assert at(event).date() > filed[key].date()
            if event["type"] == "complaint.responded":
                responded[key] = at(event)
            else:
                assert at(event).date() > responded[key].date()
    assert 0 < len(responded) < len(filed)  # some are not answered within the simulated week
