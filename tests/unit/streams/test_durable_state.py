"""The journaled state without Kafka: a crash at any point of the changelog loses and doubles nothing.

The model of a crash: Kafka keeps each changelog partition in order and, after a producer flush,
everything sent so far; so what survives is, per partition, a prefix at least as long as the last
flush. Output messages sent after the last flush may each be lost. The restarted worker rebuilds the
table from the surviving changelog (as Faust's memory store does), recovers, and is fed its
partition again from some offset: earlier than the state (Faust redelivers), or later (Faust
skipped), through the same OffsetGate the agent uses.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from producers.simulator import SimulationOptions, simulate
from streams.app import encode
from streams.durable_state import APPLIED_PREFIX, JOURNAL_PREFIX, DurableState, JournaledOutput
from streams.offset_gate import Verdict, admit, next_offset
from streams.processor import EventProcessor

CATALOG = load_catalog()
NOW = datetime(2026, 11, 3, tzinfo=UTC)
PARTITIONS = 2


@dataclass
class RecordingChangelog:
    """Every changelog message per partition, in order; values copied as Kafka would serialize them."""

    log: dict[int, list[tuple[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def send(self, partition: int, key: str, value: Any) -> None:
        self.log[partition].append((key, None if value is None else orjson.loads(orjson.dumps(value))))


def restored(log: dict[int, list[tuple[str, Any]]]) -> dict[str, Any]:
    """The table Faust's memory store rebuilds from a changelog: last value per key, None deletes."""
    data: dict[str, Any] = {}
    for messages in log.values():
        for key, value in messages:
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
    return data


def events_by_partition(seed: int) -> dict[int, list[bytes]]:
    options = SimulationOptions(
        offices=3, days=1, seed=seed, start=date(2026, 11, 2), out_of_order=0.05, duplicates=0.05
    )
    offices = sorted({record.key for record in simulate(CATALOG, options)})
    placement = {office: index % PARTITIONS for index, office in enumerate(offices)}
    partitions: dict[int, list[bytes]] = defaultdict(list)
    for record in simulate(CATALOG, options):
        partitions[placement[record.key]].append(record.payload)
    partitions[0].insert(5, b'{"not": "an event"}')  # a dead letter is journaled like any event
    return partitions


class Worker:
    """The agent's loop without Faust: recover, gate, apply, journal, send, flush."""

    def __init__(self, data: dict[str, Any], changelog: RecordingChangelog, flush_every: int) -> None:
        self.state = DurableState(data, changelog)
        self.processor = EventProcessor(CATALOG, b"key", "kafka:test.events")
        self.changelog = changelog
        self.flush_every = flush_every
        self.sent: list[JournaledOutput] = []
        self.flushed_sends = 0
        self.flushed_log: dict[int, int] = {}
        self._since_flush = 0

    def deliver(self, partition: int, events: list[bytes], start: int) -> None:
        """Feed the partition from `start` as the agent is fed, filling gaps as it does."""
        if self.state.needs_recovery(partition):
            self.sent += self.state.recover(partition)
        for offset in range(start, len(events)):
            verdict = admit(offset, self.state.applied(partition))
            if verdict is Verdict.FILL_GAP:
                for missing in range(next_offset(self.state.applied(partition)), offset):
                    self.apply(partition, missing, events[missing])
            if verdict is not Verdict.SKIP:
                self.apply(partition, offset, events[offset])

    def apply(self, partition: int, offset: int, payload: bytes) -> None:
        self.state.begin()
        outputs = self.processor.process(payload, f"{partition}/{offset}", self.state.stores, NOW)
        encoded = [encode(output, "test") for output in outputs]
        self.state.finish(partition, offset, encoded)
        self.sent += encoded
        self.state.sent(partition, offset)
        self._since_flush += 1
        if self._since_flush >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        self._since_flush = 0
        plan = self.state.flush_base()
        # producer.flush(): everything sent so far is in Kafka
        self.flushed_sends = len(self.sent)
        self.flushed_log = {partition: len(messages) for partition, messages in self.changelog.log.items()}
        self.state.seal(plan)


def store_contents(data: MutableMapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if not key.startswith((JOURNAL_PREFIX, APPLIED_PREFIX))}


def rows(sent: list[JournaledOutput]) -> dict[tuple[str, str], list[Any]]:
    by_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for output in sent:
        by_key[(output.topic, output.key)].append(orjson.loads(output.value))
    return by_key


def newest(values: list[Any]) -> Any:
    """The row the sink keeps: the highest _version (rows without one are identical when repeated)."""
    return max(values, key=lambda row: row.get("_version", 0) if isinstance(row, dict) else 0)


@pytest.fixture(scope="module")
def scenario() -> tuple[dict[int, list[bytes]], Worker]:
    events = events_by_partition(seed=5)
    reference = Worker({}, RecordingChangelog(), flush_every=10**9)
    for partition, payloads in events.items():
        reference.deliver(partition, payloads, 0)
    return events, reference


@pytest.mark.parametrize("trial", range(12))
def test_a_crash_anywhere_gives_the_state_and_rows_of_an_uninterrupted_run(
    trial: int, scenario: tuple[dict[int, list[bytes]], Worker]
) -> None:
    events, reference = scenario
    rng = random.Random(trial)
    changelog = RecordingChangelog()
    first = Worker({}, changelog, flush_every=rng.choice([1, 7, 50, 400]))
    stop_at = {partition: rng.randrange(len(payloads)) for partition, payloads in events.items()}
    for partition, payloads in events.items():
        first.deliver(partition, payloads[: stop_at[partition]], 0)

    # kill -9: per partition, a prefix of the changelog survives, never shorter than the last flush
    survived = {
        partition: messages[: rng.randint(first.flushed_log.get(partition, 0), len(messages))]
        for partition, messages in changelog.log.items()
    }
    kept_sends = first.sent[: first.flushed_sends] + [
        o for o in first.sent[first.flushed_sends :] if rng.random() < 0.5
    ]

    second = Worker(restored(survived), RecordingChangelog(), flush_every=rng.choice([3, 100]))
    for partition, payloads in events.items():
        second.deliver(partition, payloads, rng.randrange(len(payloads)))  # recovers, fills a gap if any
        assert second.state.applied(partition) == len(payloads) - 1
    # Faust redelivering from an older commit changes nothing more
    sends_before = len(second.sent)
    second.deliver(0, events[0], rng.randrange(len(events[0])))
    assert len(second.sent) == sends_before, "nothing already applied is applied again"

    assert store_contents(second.state.data) == store_contents(reference.state.data)
    expected_rows, landed_rows = rows(reference.sent), rows(kept_sends + second.sent)
    assert set(landed_rows) == set(expected_rows)
    for key, values in landed_rows.items():
        assert newest(values) == newest(expected_rows[key]), key
        assert all(value in expected_rows[key] for value in values), f"{key}: a row the uninterrupted run never sent"


def test_a_restart_that_skips_messages_fills_the_gap_and_applies_them_in_order() -> None:
    events = events_by_partition(seed=9)[1][:300]
    changelog = RecordingChangelog()
    first = Worker({}, changelog, flush_every=25)
    first.deliver(1, events[:120], 0)
    first.flush()
    second = Worker(restored(changelog.log), RecordingChangelog(), flush_every=25)
    second.deliver(1, events, 200)  # Faust went on at 200: the gap 120-199 is read first
    reference = Worker({}, RecordingChangelog(), flush_every=25)
    reference.deliver(1, events, 0)
    assert store_contents(second.state.data) == store_contents(reference.state.data)


def test_flushing_trims_the_journal_and_leaves_one_value_per_key() -> None:
    events = events_by_partition(seed=11)[0][:200]
    changelog = RecordingChangelog()
    worker = Worker({}, changelog, flush_every=10**9)
    worker.deliver(0, events, 0)
    assert worker.state.pending_records() == 200
    worker.flush()
    assert worker.state.pending_records() == 0
    table = restored(changelog.log)
    assert not [key for key in table if key.startswith(JOURNAL_PREFIX)], "every journal record deleted"
    assert table[f"{APPLIED_PREFIX}0"] == {"o": 199}
    assert store_contents(table) == store_contents(worker.state.data)
