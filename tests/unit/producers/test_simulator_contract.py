"""Every simulated event is a valid contract-v1 event; invalid lines are refused, in the share asked for."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date

from pantau.contract import DeadLetter, EventValidator
from pantau.contract.models import EVENT_TYPES
from producers.simulator import SimulationOptions
from tests.unit.producers.simulator_runs import CATALOG, WEEK, at, run

ONE_DAY = SimulationOptions(offices=len(CATALOG.offices), days=1, seed=2, start=date(2026, 11, 4))
RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[789]:00$")
VALIDATOR = EventValidator(CATALOG)


def test_every_event_of_a_whole_day_validates_and_matches_its_record() -> None:
    records = run(ONE_DAY).records
    assert len(records) > 10_000
    for record in records:
        event = VALIDATOR.validate(record.payload)
        assert not isinstance(event, DeadLetter), (event, record.payload)
        assert event.office_id == record.key
        assert event.occurred_at == record.occurred_at
        assert record.occurred_at.tzinfo is UTC
        assert record.valid_expected


def test_the_simulation_uses_every_event_type() -> None:
    assert {event["type"] for event in run(WEEK).events} == EVENT_TYPES


def test_timestamps_are_rfc3339_in_the_office_zone_with_milliseconds() -> None:
    for event in run(ONE_DAY).events:
        assert RFC3339_MS.match(event["occurred_at"]), event["occurred_at"]
        office = CATALOG.office(event["office_id"])
        assert at(event).utcoffset() == at(event).astimezone(office.zone).utcoffset()


def test_event_ids_are_unique_and_entity_ids_unique_within_an_office() -> None:
    events = run(WEEK).events
    assert len({event["event_id"] for event in events}) == len(events)
    for event_type, id_field in (
        ("ticket.issued", "ticket_id"),
        ("complaint.filed", "complaint_id"),
        ("survey.submitted", "survey_id"),
    ):
        seen = Counter((event["office_id"], event[id_field]) for event in events if event["type"] == event_type)
        assert seen and max(seen.values()) == 1, event_type


def test_counter_ids_look_like_counters_and_belong_to_one_service() -> None:
    services_of_counter: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ticket in run(WEEK).tickets.values():
        if "ticket.called" in ticket:
            called = ticket["ticket.called"]
            services_of_counter[(called["office_id"], called["counter_id"])].add(
                ticket["ticket.issued"]["service_code"]
            )
    assert all(re.fullmatch(r"L\d{2}", counter) for _, counter in services_of_counter)
    assert all(len(services) == 1 for services in services_of_counter.values())


def test_invalid_lines_are_all_refused_come_in_the_share_asked_for_and_vary() -> None:
    noisy = SimulationOptions(offices=5, days=2, seed=4, start=date(2026, 11, 2), invalid=0.05)
    records = run(noisy).records
    valid = [record for record in records if record.valid_expected]
    invalid = [record for record in records if not record.valid_expected]
    assert 0.04 < len(invalid) / len(valid) < 0.06
    reasons: Counter[str] = Counter()
    for record in invalid:
        result = VALIDATOR.validate(record.payload)
        assert isinstance(result, DeadLetter), record.payload
        reasons[result.reason.code.value] += 1
    assert set(reasons) >= {
        "invalid_json",
        "not_an_object",
        "missing_field",
        "wrong_type",
        "invalid_timestamp",
        "unknown_type",
        "unsupported_version",
        "unknown_office",
        "unknown_service",
        "score_out_of_range",
    }
    for record in valid:
        assert not isinstance(VALIDATOR.validate(record.payload), DeadLetter)


def test_an_invalid_line_carries_the_time_of_the_valid_event_it_was_sent_with() -> None:
    records = run(SimulationOptions(offices=3, days=1, seed=4, start=date(2026, 11, 2), invalid=0.05)).records
    for index, record in enumerate(records):
        if not record.valid_expected:
            assert records[index + 1].valid_expected
            assert record.occurred_at == records[index + 1].occurred_at
