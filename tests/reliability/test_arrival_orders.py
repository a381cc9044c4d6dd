"""One seeded simulated week gives the same tables whatever order, grouping or company its events arrive in.

The stream processor runs in-process with dict stores (the worker's logic without Kafka; the same
cases go through the real pipeline in tests/e2e/test_hostile_time.py). Each arrival is judged
against the same receipt time, a day after the week, so every event is history, as in a replay.
Compared: the newest row per key (what `FINAL` keeps) of tickets, window_metrics, ikm, complaints
and surveys, without `_version` (how many revisions a row went through depends on the order).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from pantau.kafka import topics
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from streams.processor import EventProcessor, Output, Stores
from streams.typed_state import durable_json

CATALOG = load_catalog()
WEEK = SimulationOptions(offices=3, days=7, seed=20261102, start=date(2026, 11, 2))
RECEIVED = datetime(2026, 11, 10, tzinfo=UTC)
COMPARED = (topics.TICKETS, topics.WINDOW_METRICS, topics.IKM, topics.COMPLAINTS, topics.SURVEYS)

Order = Callable[[list[SimulatedRecord]], list[SimulatedRecord]]


def entity(record: SimulatedRecord) -> str:
    event = orjson.loads(record.payload)
    for field in ("ticket_id", "complaint_id", "survey_id"):
        if field in event:
            return f"{event['office_id']}|{field}|{event[field]}"
    return f"{event['office_id']}|{event['event_id']}"


def in_order(records: list[SimulatedRecord]) -> list[SimulatedRecord]:
    return sorted(records, key=lambda record: record.occurred_at)


def grouped_per_ticket(records: list[SimulatedRecord]) -> list[SimulatedRecord]:
    """All events of ticket 1, then of ticket 2 ...: the export format of many queue systems."""
    first: dict[str, datetime] = {}
    for record in records:
        key = entity(record)
        first[key] = min(first.get(key, record.occurred_at), record.occurred_at)
    return sorted(records, key=lambda record: (first[entity(record)], entity(record), record.occurred_at))


def shuffled_within_hours(records: list[SimulatedRecord]) -> list[SimulatedRecord]:
    rng = random.Random(7)
    keyed = [
        (record.occurred_at.replace(minute=0, second=0, microsecond=0), rng.random(), record) for record in records
    ]
    return [record for _, _, record in sorted(keyed, key=lambda item: item[:2])]


def older_day_after_newer_days(records: list[SimulatedRecord]) -> list[SimulatedRecord]:
    """One office's queue machine was offline: its Tuesday arrives after the rest of the week."""
    office = in_order(records)[0].key
    tuesday = date(2026, 11, 3)
    zone = CATALOG.office(office).zone

    def backfilled(record: SimulatedRecord) -> bool:
        return record.key == office and record.occurred_at.astimezone(zone).date() == tuesday

    ordered = in_order(records)
    return [record for record in ordered if not backfilled(record)] + [r for r in ordered if backfilled(r)]


def with_a_far_future_event(records: list[SimulatedRecord]) -> list[SimulatedRecord]:
    """A kiosk with a clock years ahead sends a ticket in the middle of the week."""
    ordered = in_order(records)
    office = ordered[0].key
    service = CATALOG.office(office).services[0]
    future = {
        "event_id": "kiosk-clock-2031",
        "type": "ticket.issued",
        "office_id": office,
        "occurred_at": "2031-11-04T09:00:00+07:00",
        "v": 1,
        "ticket_id": "FUTURE-1",
        "service_code": service,
    }
    injected = SimulatedRecord(office, orjson.dumps(future), datetime(2031, 11, 4, 2, tzinfo=UTC), False)
    middle = len(ordered) // 2
    return [*ordered[:middle], injected, *ordered[middle:]]


ORDERS: dict[str, Order] = {
    "grouped_per_ticket": grouped_per_ticket,
    "shuffled_within_hours": shuffled_within_hours,
    "older_day_after_newer_days": older_day_after_newer_days,
    "with_a_far_future_event": with_a_far_future_event,
}


def run(records: list[SimulatedRecord]) -> tuple[dict[str, dict[str, dict[str, Any]]], list[dict[str, Any]]]:
    """The newest row per key of each compared topic, and the dead letters."""
    processor = EventProcessor(CATALOG, b"order-test-key", "test")
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    outputs: list[Output] = []
    for position, record in enumerate(records):
        outputs += processor.process(record.payload, str(position), stores, RECEIVED)
    newest: dict[str, dict[str, dict[str, Any]]] = {spec.suffix: {} for spec in COMPARED}
    dead = []
    for output in outputs:
        if output.topic == topics.DEAD_LETTERS:
            assert isinstance(output.value, bytes)
            dead.append(orjson.loads(output.value))
            continue
        if output.topic not in COMPARED or not isinstance(output.value, dict):
            continue
        table = newest[output.topic.suffix]
        current = table.get(output.key)
        if current is None or output.value["_version"] >= current["_version"]:
            table[output.key] = output.value
    stripped = {
        name: {key: {k: v for k, v in row.items() if k != "_version"} for key, row in rows.items()}
        for name, rows in newest.items()
    }
    return stripped, dead


@pytest.fixture(scope="module")
def week() -> list[SimulatedRecord]:
    return [record for record in simulate(CATALOG, WEEK) if record.valid_expected]


@pytest.fixture(scope="module")
def baseline(week: list[SimulatedRecord]) -> dict[str, dict[str, dict[str, Any]]]:
    tables, dead = run(in_order(week))
    assert dead == []
    assert len(tables["tickets"]) > 1000 and tables["complaints"] and tables["ikm"] and tables["surveys"]
    return tables


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_the_tables_do_not_depend_on_arrival_order(
    name: str, week: list[SimulatedRecord], baseline: dict[str, dict[str, dict[str, Any]]]
) -> None:
    tables, dead = run(ORDERS[name](week))

    for table, rows in baseline.items():
        assert tables[table].keys() == rows.keys(), f"{table}: keys differ"
        differing = [key for key, row in rows.items() if tables[table][key] != row]
        assert differing == [], f"{table}: {len(differing)} rows differ, e.g. {differing[:3]}"
    expected_dead = ["occurred_in_future"] if name == "with_a_far_future_event" else []
    assert [letter["reason_code"] for letter in dead] == expected_dead


def test_the_week_has_what_makes_the_comparison_meaningful(baseline: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Late arrivals matter only if windows are small, complaints go overdue and tickets are abandoned."""
    windows = baseline["window-metrics"].values()
    assert any(row["served"] == 2 for row in windows if row["window_s"] == 300)
    assert any(row["response_overdue"] == 1 for row in baseline["complaints"].values())
    assert any(row["outcome"] == "abandoned" for row in baseline["tickets"].values())


def test_a_far_future_event_moves_no_clock() -> None:
    """After the future event, the office's real tickets still get their rows and windows."""
    processor = EventProcessor(CATALOG, b"order-test-key", "test")
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    records = with_a_far_future_event([r for r in simulate(CATALOG, WEEK) if r.valid_expected])
    for position, record in enumerate(records):
        processor.process(record.payload, str(position), stores, RECEIVED)
    latest = max(datetime.fromisoformat(durable_json(clock)["latest"]) for clock in stores.clocks.values())
    assert latest < RECEIVED - timedelta(hours=12)
