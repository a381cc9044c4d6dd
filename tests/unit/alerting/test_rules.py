"""Each rule on hand-built office views at hand-picked office times."""

from __future__ import annotations

from datetime import timedelta

from alerting import rules
from alerting.config import load_rules
from alerting.model import Severity
from alerting.office_view import LiveView, OfficeView
from streams.logic.working_days import WorkingDayCalendar
from tests.unit.alerting.factories import BAD, CATALOG, engine, event, wib

BOOK = load_rules(catalog=CATALOG)
CAL = WorkingDayCalendar()


def view_with(*events: object) -> OfficeView:
    live = LiveView(CATALOG)
    for item in events:
        live.apply(item)  # type: ignore[arg-type]
    return live.office(BAD)


def issued(n: int, hhmm: str, service: str = "KTP", day: int = 2) -> object:
    return event("ticket.issued", BAD, wib(day, hhmm), ticket_id=f"T{n}", service_code=service)


def test_live_wait_breach_needs_min_count_tickets_past_target() -> None:
    view = view_with(issued(1, "08:00"), issued(2, "08:01"), issued(3, "08:02"))
    # 08:31:30: T1 and T2 are past 30 minutes, T3 is not -> 2 < min_count 3
    assert rules.live_wait_breach(view, wib(2, "08:31:30"), BOOK, CAL) == []
    found = rules.live_wait_breach(view, wib(2, "08:32:30"), BOOK, CAL)
    assert [(c.rule, c.service_code, c.facts["count"]) for c in found] == [("live_wait_breach", "KTP", 3)]
    assert found[0].since == wib(2, "08:30")  # T1 issued 08:00 + 30 min target
    assert found[0].facts["oldest_wait_min"] == 32.5
    assert found[0].severity is Severity.critical


def test_a_started_ticket_leaves_the_queue() -> None:
    started = event("service.started", BAD, wib(2, "08:20"), ticket_id="T1", counter_id="L1")
    view = view_with(issued(1, "08:00"), issued(2, "08:01"), issued(3, "08:02"), started)
    assert rules.live_wait_breach(view, wib(2, "09:00"), BOOK, CAL) == []


def test_queue_length_override_applies_to_its_office_and_service_only() -> None:
    custom = engine([{"match": {"office": BAD, "service": "KK"}, "rule": "queue_length", "set": {"max_waiting": 2}}])
    view = view_with(*(issued(n, "08:00", "KK") for n in range(3)), *(issued(10 + n, "08:00") for n in range(3)))
    found = rules.queue_length(view, wib(2, "08:05"), custom.rules, CAL)
    assert [(c.service_code, c.facts["waiting"], c.facts["limit"]) for c in found] == [("KK", 3, 2)]


def test_pungli_by_category_or_text_is_zero_tolerance_until_resolved() -> None:
    night = wib(2, "22:00")
    by_category = event("complaint.filed", BAD, night, complaint_id="C1", category="pungli")
    by_text = event("complaint.filed", BAD, night, complaint_id="C2", category="lainnya", text="diminta uang pelicin")
    ordinary = event("complaint.filed", BAD, night, complaint_id="C3", category="waktu", text="antre lama")
    view = view_with(by_category, by_text, ordinary)
    found = rules.pungli(view, night, BOOK, CAL)
    assert [(c.subject, c.zero_tolerance) for c in found] == [("C1", True), ("C2", True)]
    view.apply(event("complaint.resolved", BAD, wib(3, "09:00"), complaint_id="C1"))
    assert [c.subject for c in rules.pungli(view, wib(3, "09:00"), BOOK, CAL)] == ["C2"]


def test_office_not_open_after_grace_on_working_days_only() -> None:
    view = view_with(issued(1, "07:50"))
    assert rules.office_not_open(view, wib(2, "08:14"), BOOK, CAL) == []  # grace 15 min
    found = rules.office_not_open(view, wib(2, "08:16"), BOOK, CAL)
    assert [c.facts["minutes_late"] for c in found] == [16]
    assert rules.office_not_open(view, wib(1, "09:00"), BOOK, CAL) == []  # Sunday
    assert rules.office_not_open(view, wib(25, "09:00", month=12), BOOK, CAL) == []  # Christmas
    view.apply(event("counter.opened", BAD, wib(2, "08:17"), counter_id="L1"))
    assert rules.office_not_open(view, wib(2, "08:20"), BOOK, CAL) == []


def test_counter_not_open_lists_known_counters_missing_today() -> None:
    friday = [event("counter.opened", BAD, wib(30, "08:00", month=10), counter_id=c) for c in ("L1", "L2")]
    view = view_with(*friday, event("counter.opened", BAD, wib(2, "08:00"), counter_id="L1"))
    found = rules.counter_not_open(view, wib(2, "08:20"), BOOK, CAL)
    assert [c.facts["counters"] for c in found] == [["L2"]]


def test_complaint_response_overdue_counts_working_days() -> None:
    view = view_with(event("complaint.filed", BAD, wib(2, "10:00"), complaint_id="C1", category="waktu"))
    # filed Monday: 3 working days -> due at the end of Thursday 5 November
    assert rules.complaint_response_overdue(view, wib(5, "15:00"), BOOK, CAL) == []
    found = rules.complaint_response_overdue(view, wib(6, "09:00"), BOOK, CAL)
    assert [c.facts["complaints"] for c in found] == [["C1"]]
    view.apply(event("complaint.responded", BAD, wib(6, "10:00"), complaint_id="C1"))
    assert rules.complaint_response_overdue(view, wib(6, "10:01"), BOOK, CAL) == []


def test_complaint_spike_against_the_office_baseline() -> None:
    history = [
        event("complaint.filed", BAD, wib(2, "09:00") - timedelta(days=d), complaint_id=f"H{d}", category="waktu")
        for d in range(1, 29)
    ]  # 1 a day for 28 days: baseline 1, threshold max(5, 3 x 1) = 5
    today = [event("complaint.filed", BAD, wib(2, "09:00"), complaint_id=f"N{n}", category="waktu") for n in range(4)]
    view = view_with(*history, *today)
    assert rules.complaint_spike(view, wib(2, "10:00"), BOOK, CAL) == []
    view.apply(event("complaint.filed", BAD, wib(2, "09:30"), complaint_id="N5", category="waktu"))
    found = rules.complaint_spike(view, wib(2, "10:00"), BOOK, CAL)
    assert [(c.facts["today"], c.facts["baseline_per_day"]) for c in found] == [(5, 1.0)]


def test_pipeline_silent_only_while_open() -> None:
    view = view_with(event("counter.opened", BAD, wib(2, "08:10"), counter_id="L1"))
    assert rules.pipeline_silent(view, wib(2, "08:29"), BOOK, CAL) == []
    assert [c.facts["silent_min"] for c in rules.pipeline_silent(view, wib(2, "08:31"), BOOK, CAL)] == [21]
    assert rules.pipeline_silent(view, wib(2, "17:00"), BOOK, CAL) == []


def test_burn_rate_pages_when_both_windows_burn() -> None:
    items = []
    for n in range(20):  # issued 08:00..08:19, started 40 minutes later: every wait breaches 30 min
        at = wib(2, "08:00") + timedelta(minutes=n)
        items.append(event("ticket.issued", BAD, at, ticket_id=f"T{n}", service_code="KTP"))
        items.append(event("service.started", BAD, at + timedelta(minutes=40), ticket_id=f"T{n}", counter_id="L1"))
    view = view_with(*items)
    found = rules.burn_rate(view, wib(2, "09:00"), BOOK, CAL)
    # 20 of 20 bad: share 1.0 / budget 0.1 = burn 10 in the hour; 4 of 4 in the last 5 one-minute buckets
    assert [(c.severity, c.facts["long_burn"], c.facts["total"]) for c in found] == [(Severity.critical, 10.0, 20)]


def test_burn_rate_quiet_when_waits_are_within_target() -> None:
    items = []
    for n in range(20):
        at = wib(2, "08:00") + timedelta(minutes=n)
        items.append(event("ticket.issued", BAD, at, ticket_id=f"T{n}", service_code="KTP"))
        items.append(event("service.started", BAD, at + timedelta(minutes=10), ticket_id=f"T{n}", counter_id="L1"))
    assert rules.burn_rate(view_with(*items), wib(2, "08:40"), BOOK, CAL) == []
