"""The event processor without Kafka: replays after a crash re-send current rows, never new versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pantau.catalog import load_catalog
from pantau.kafka import topics
from producers.simulator import SimulationOptions, simulate
from streams.processor import EventProcessor, Output, Stores

CATALOG = load_catalog()
NOW = datetime(2026, 11, 3, tzinfo=UTC)


def latest(outputs: list[Output], topic: topics.TopicSpec) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for output in outputs:
        if output.topic == topic and isinstance(output.value, dict):
            rows[output.key] = output.value
    return rows


def test_reprocessing_events_already_in_the_state_resends_the_same_rows() -> None:
    records = list(simulate(CATALOG, SimulationOptions(offices=2, days=1, seed=3, start=date(2026, 11, 2))))
    processor = EventProcessor(CATALOG, b"key", "kafka:pantau.events")
    stores = Stores({}, {}, {}, {}, {})
    first = [o for i, r in enumerate(records) for o in processor.process(r.payload, str(i), stores, NOW)]
    tail = records[-300:]  # what a worker killed before committing would see again
    again = [o for i, r in enumerate(tail) for o in processor.process(r.payload, str(i), stores, NOW)]

    tickets_before = latest(first, topics.TICKETS)
    tickets_again = latest(again, topics.TICKETS)
    assert tickets_again, "replayed ticket events must re-send their rows"
    for key, row in tickets_again.items():
        assert row == tickets_before[key]
    windows_before = latest(first, topics.WINDOW_METRICS)
    for key, row in latest(again, topics.WINDOW_METRICS).items():
        assert row["_version"] == windows_before[key]["_version"] and row["served"] == windows_before[key]["served"]
    ikm_before, ikm_again = latest(first, topics.IKM), latest(again, topics.IKM)
    assert ikm_again, "a replayed survey or completion re-sends the current IKM rows"
    assert all(row == ikm_before[key] for key, row in ikm_again.items()), "counted once, not twice"
    complaints_before, complaints_again = latest(first, topics.COMPLAINTS), latest(again, topics.COMPLAINTS)
    assert all(row == complaints_before[key] for key, row in complaints_again.items())
    surveys_before, surveys_again = latest(first, topics.SURVEYS), latest(again, topics.SURVEYS)
    assert surveys_again and all(row == surveys_before[key] for key, row in surveys_again.items())


def test_invalid_input_becomes_a_dead_letter_with_its_position() -> None:
    processor = EventProcessor(CATALOG, b"key", "kafka:pantau.events")
    [output] = processor.process(b"{oops", "2/17", Stores({}, {}, {}, {}, {}), NOW)
    assert output.topic == topics.DEAD_LETTERS
    assert isinstance(output.value, bytes) and b'"position":"2/17"' in output.value


def test_reprocessing_resends_identical_breach_and_signal_rows_or_none() -> None:
    records = list(simulate(CATALOG, SimulationOptions(offices=2, days=2, seed=7, start=date(2026, 11, 2))))
    processor = EventProcessor(CATALOG, b"key", "kafka:pantau.events")
    stores = Stores({}, {}, {}, {}, {})
    first = [o for i, r in enumerate(records) for o in processor.process(r.payload, str(i), stores, NOW)]
    again = [o for i, r in enumerate(records[-500:]) for o in processor.process(r.payload, str(i), stores, NOW)]

    for topic in (topics.SLA_BREACHES, topics.SIGNALS):
        sent = {(o.key, repr(o.value)) for o in first if o.topic == topic}
        assert sent, f"a simulated day has {topic.suffix}"
        assert {(o.key, repr(o.value)) for o in again if o.topic == topic} <= sent
