"""The simulator's statistics, on small seeded runs: realistic, lawful (hours, holidays), deterministic."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from pantau.contract import DeadLetter, EventValidator
from producers.simulation import SimulatedRecord, SimulationOptions, simulate
from producers.simulation.calendar import is_holiday
from producers.simulation.profiles import office_profile
from producers.simulation.queueing import DRAIN

CATALOG = load_catalog()
# Mon 2026-12-21 .. Sun 2026-12-27: Christmas (25th) and cuti bersama (24th) fall in it.
WEEK = SimulationOptions(offices=12, days=7, seed=7, start=date(2026, 12, 21))


def events_of(records: list[SimulatedRecord]) -> list[dict[str, Any]]:
    return [orjson.loads(record.payload) for record in records]


@pytest.fixture(scope="module")
def week() -> list[dict[str, Any]]:
    return events_of(list(simulate(CATALOG, WEEK)))


def test_the_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    options = SimulationOptions(offices=3, days=1, seed=11, start=date(2026, 11, 2))
    first = [record.payload for record in simulate(CATALOG, options)]
    assert first == [record.payload for record in simulate(CATALOG, options)]
    other = SimulationOptions(offices=3, days=1, seed=12, start=date(2026, 11, 2))
    assert first != [record.payload for record in simulate(CATALOG, other)]


def test_every_event_is_valid_and_ids_are_unique(week: list[dict[str, Any]]) -> None:
    validator = EventValidator(CATALOG)
    assert all(not isinstance(validator.validate(event), DeadLetter) for event in week)
    assert len({event["event_id"] for event in week}) == len(week)
    assert {event["type"] for event in week} >= {
        "ticket.issued",
        "ticket.called",
        "service.started",
        "service.completed",
        "ticket.abandoned",
        "complaint.filed",
        "survey.submitted",
        "counter.opened",
        "counter.closed",
    }


def test_events_are_in_time_order_and_in_each_office_zone(week: list[dict[str, Any]]) -> None:
    times = [datetime.fromisoformat(event["occurred_at"]) for event in week]
    assert times == sorted(times)
    for event in week[:500]:
        offset = datetime.fromisoformat(event["occurred_at"]).utcoffset()
        zone = CATALOG.office(event["office_id"]).zone
        assert offset == datetime.fromisoformat(event["occurred_at"]).astimezone(zone).utcoffset()


def test_offices_are_closed_on_weekends_without_hours_and_on_holidays(week: list[dict[str, Any]]) -> None:
    for event in week:
        if event["type"].startswith(("ticket.", "service.", "counter.")):
            office = CATALOG.office(event["office_id"])
            local = datetime.fromisoformat(event["occurred_at"]).astimezone(office.zone)
            assert not is_holiday(local.date()), event
            hours = office.opening_hours(local.date())
            assert hours is not None, event
            opens = office.local_datetime(local.date(), hours.opens)
            closes = office.local_datetime(local.date(), hours.closes)
            assert opens <= local <= closes + DRAIN + timedelta(minutes=5), event
            if event["type"] == "ticket.issued":
                assert local <= closes, event
    issued_days = {datetime.fromisoformat(e["occurred_at"]).date() for e in week if e["type"] == "ticket.issued"}
    assert date(2026, 12, 25) not in issued_days and date(2026, 12, 24) not in issued_days
    assert date(2026, 12, 22) in issued_days


def ticket_lives(events: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    lives: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for event in events:
        if "ticket_id" in event:
            life = lives[(event["office_id"], event["ticket_id"])]
            life[event["type"]] = datetime.fromisoformat(event["occurred_at"])
            if event["type"] == "ticket.issued":
                life["priority"] = event.get("priority_group")
                life["service"] = event["service_code"]
    return lives


def test_no_ticket_event_before_its_ticket_is_issued(week: list[dict[str, Any]]) -> None:
    for life in ticket_lives(week).values():
        issued = life["ticket.issued"]
        assert all(at >= issued for key, at in life.items() if key.startswith(("ticket.", "service.")))
        if "service.started" in life:
            assert life["ticket.called"] <= life["service.started"] <= life["service.completed"]


def test_queue_discipline_priority_first_and_few_jumps(week: list[dict[str, Any]]) -> None:
    lives = ticket_lives(week)
    by_queue: dict[tuple[str, str, date], list[dict[str, Any]]] = defaultdict(list)
    for (office, _), life in lives.items():
        if "service.started" in life:
            by_queue[(office, life["service"], life["ticket.issued"].date())].append(life)
    regular_pairs = jumps = 0
    for queue in by_queue.values():
        regular = sorted((life for life in queue if not life["priority"]), key=lambda life: life["ticket.issued"])
        for earlier, later in itertools.pairwise(regular):
            regular_pairs += 1
            jumps += later["ticket.called"] < earlier["ticket.called"]
    assert regular_pairs > 1000
    assert 0 < jumps / regular_pairs < 0.04
    waits = {True: [], False: []}
    for life in lives.values():
        if "service.started" in life:
            waits[bool(life["priority"])].append((life["service.started"] - life["ticket.issued"]).total_seconds())
    assert statistics.mean(waits[True]) < 0.6 * statistics.mean(waits[False])


def test_abandonment_grows_with_the_wait_at_understaffed_offices(week: list[dict[str, Any]]) -> None:
    profiles = {office.id: office_profile(office, CATALOG, WEEK.seed) for office in CATALOG.offices[:12]}
    issued: Counter[bool] = Counter()
    abandoned: Counter[bool] = Counter()
    complaints: Counter[bool] = Counter()
    for event in week:
        understaffed = profiles[event["office_id"]].understaffed
        issued[understaffed] += event["type"] == "ticket.issued"
        abandoned[understaffed] += event["type"] == "ticket.abandoned"
        complaints[understaffed] += event["type"] == "complaint.filed"
    assert any(profile.understaffed for profile in profiles.values())
    assert abandoned[True] / issued[True] > 2 * abandoned[False] / issued[False]
    assert complaints[True] / issued[True] > complaints[False] / issued[False]


def test_survey_scores_fall_for_long_waits(week: list[dict[str, Any]]) -> None:
    lives = ticket_lives(week)
    u3_short: list[int] = []
    u3_long: list[int] = []
    last_wait: dict[str, float] = {}
    for event in week:
        if event["type"] == "service.started":
            life = lives[(event["office_id"], event["ticket_id"])]
            ratio = (life["service.started"] - life["ticket.issued"]).total_seconds() / CATALOG.service(
                life["service"]
            ).target_wait_s
            last_wait[event["office_id"] + life["service"]] = ratio
        if event["type"] == "survey.submitted":
            ratio = last_wait.get(event["office_id"] + event["service_code"], 0.0)
            (u3_long if ratio > 1.0 else u3_short).append(event["scores"]["u3"])
    assert len(u3_short) > 50 and len(u3_long) > 10
    assert statistics.mean(u3_long) < statistics.mean(u3_short) - 0.3


def test_arrivals_peak_in_the_morning(week: list[dict[str, Any]]) -> None:
    by_hour: Counter[int] = Counter()
    for event in week:
        if event["type"] == "ticket.issued":
            office = CATALOG.office(event["office_id"])
            by_hour[datetime.fromisoformat(event["occurred_at"]).astimezone(office.zone).hour] += 1
    assert by_hour[9] > by_hour[12] and by_hour[10] > by_hour[14]


def test_complaints_carry_personal_data_to_be_redacted_and_a_rare_pungli(week: list[dict[str, Any]]) -> None:
    long_run = events_of(
        list(simulate(CATALOG, SimulationOptions(offices=26, days=10, seed=3, start=date(2026, 11, 2))))
    )
    complaints = [event for event in long_run if event["type"] == "complaint.filed"]
    assert any("reporter_nik" in event for event in complaints)
    assert any("NIK saya" in event["text"] for event in complaints)
    categories = Counter(event["category"] for event in complaints)
    assert categories.most_common(1)[0][0] == "waktu"
    assert 0 < categories["pungli"] < 0.1 * len(complaints)
    responded = {e["complaint_id"] for e in long_run if e["type"] == "complaint.responded"}
    assert responded and responded < {e["complaint_id"] for e in complaints}


def test_delivery_perturbations_have_the_requested_shares() -> None:
    base = SimulationOptions(offices=4, days=1, seed=5, start=date(2026, 11, 2))
    clean = list(simulate(CATALOG, base))
    noisy = list(
        simulate(
            CATALOG, SimulationOptions(**{**base.__dict__, "out_of_order": 0.05, "duplicates": 0.02, "invalid": 0.01})
        )
    )
    valid = [record for record in noisy if record.valid_expected]
    invalid = [record for record in noisy if not record.valid_expected]
    assert sorted(r.payload for r in set(valid)) == sorted(r.payload for r in set(clean))
    duplicates = len(valid) - len(clean)
    assert 0.01 * len(clean) < duplicates < 0.03 * len(clean)
    assert 0.005 * len(clean) < len(invalid) < 0.02 * len(clean)
    validator = EventValidator(CATALOG)
    assert all(isinstance(validator.validate(record.payload), DeadLetter) for record in invalid)
    late = sum(1 for a, b in itertools.pairwise(valid) if b.occurred_at < a.occurred_at)
    assert late > 0.02 * len(clean)


def test_more_offices_than_the_catalog_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="the catalog has only 26 offices"):
        list(simulate(CATALOG, SimulationOptions(offices=27, days=1, seed=1, start=date(2026, 11, 2))))
