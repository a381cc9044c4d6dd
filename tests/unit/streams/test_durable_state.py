"""The batch checkpoints without Kafka: a crash at any point of the changelog loses and doubles nothing.

The loop under test is the worker's own (streams/checkpoint.py `BatchRunner`), fed batches of
random sizes by a stand-in for Faust. The model of a crash: Kafka keeps each changelog partition
in order and, after a producer flush, everything sent so far; so what survives is, per partition,
a prefix at least as long as the last flush. Output messages sent after the last flush may each be
lost. The restarted worker rebuilds the table from the surviving changelog (as Faust's memory store
does), recovers, and is fed its partition again from some offset: earlier than the state (Faust
redelivers), or later (Faust skipped), and fills the gaps through the runner's gap reader.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from producers.simulator import SimulationOptions, simulate
from streams.checkpoint import BatchCheckpointer, BatchRunner
from streams.durable_state import (
    APPLIED_PREFIX,
    JOURNAL_PREFIX,
    MAX_RECORD_BYTES,
    DurableState,
    JournaledOutput,
    encode_checkpoint,
    encode_writes,
)
from streams.processor import EventProcessor
from streams.typed_state import dumps

CATALOG = load_catalog()
NOW = datetime(2026, 11, 3, tzinfo=UTC)
PARTITIONS = 2


@dataclass
class RecordingChangelog:
    """Every changelog message per partition, in order; values copied as Kafka would serialize them."""

    log: dict[int, list[tuple[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def send(self, partition: int, key: str, value: Any) -> None:
        if value is not None:  # as Faust's JSON serializer writes it and reads it back on restore
            value = orjson.loads(value if isinstance(value, bytes) else orjson.dumps(value))
        self.log[partition].append((key, value))


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


@dataclass(frozen=True)
class FaustMessage:
    partition: int
    offset: int
    timestamp: float


@dataclass(frozen=True)
class FaustEvent:
    """What `stream.take_events` yields, as far as the runner reads it."""

    message: FaustMessage
    value: bytes


class Worker:
    """The worker's batch loop without Faust: a stand-in feeds `BatchRunner` batches of `batch` events."""

    def __init__(
        self,
        data: dict[str, Any],
        changelog: RecordingChangelog,
        flush_every: int,
        batch: int = 1,
        max_record_bytes: int = MAX_RECORD_BYTES,
        gap_piece: int = 500,
    ) -> None:
        self.state = DurableState(data, changelog, max_record_bytes=max_record_bytes)
        processor = EventProcessor(CATALOG, b"key", "kafka:test.events")
        self.checkpointer = BatchCheckpointer(self.state, processor, "test", flush_interval_s=float("inf"))
        self.runner = BatchRunner(
            self.checkpointer, self._send, self._read_gap, self._drain, self._publish, self._gap_done, gap_piece
        )
        self.changelog = changelog
        self.flush_every = flush_every
        self.batch = batch
        self.sent: list[JournaledOutput] = []
        self.flushed_sends = 0
        self.flushed_log: dict[int, int] = {}
        self.gap_reads: list[tuple[int, int, int]] = []
        self.counted_as_acked: list[tuple[int, int, int]] = []
        self._events: dict[int, list[bytes]] = {}
        self._since_flush = 0

    def deliver(self, partition: int, events: list[bytes], start: int) -> None:
        """Feed the partition from `start` in batches, as Faust does (redelivering or skipping)."""
        self._events[partition] = events
        for first in range(start, len(events), self.batch):
            offsets = range(first, min(first + self.batch, len(events)))
            batch = [FaustEvent(FaustMessage(partition, offset, NOW.timestamp()), events[offset]) for offset in offsets]
            asyncio.run(self.runner.run(batch))
            self._since_flush += 1
            if self._since_flush >= self.flush_every:
                self.flush()
        if start >= len(events):  # nothing new, yet a restarted worker recovers at its first batch
            self.sent += self.checkpointer.recover(partition)

    def flush(self) -> None:
        self._since_flush = 0
        asyncio.run(self.runner.flush())

    async def _send(self, output: JournaledOutput, partition: int) -> None:
        self.sent.append(output)

    async def _read_gap(self, partition: int, start: int, end: int) -> AsyncIterator[tuple[int, int, bytes]]:
        self.gap_reads.append((partition, start, end))
        for offset in range(start, end):
            yield offset, int(NOW.timestamp() * 1000), self._events[partition][offset]

    async def _gap_done(self, partition: int, start: int, end: int) -> None:
        self.counted_as_acked.append((partition, start, end))

    async def _publish(self) -> None:
        pass  # the recording changelog keeps each message as it is queued, in order

    async def _drain(self) -> None:
        # producer.flush(): everything sent so far is in Kafka
        self.flushed_sends = len(self.sent)
        self.flushed_log = {partition: len(messages) for partition, messages in self.changelog.log.items()}


def store_contents(data: MutableMapping[str, Any]) -> dict[str, Any]:
    """The stores in their durable form (objects kept in memory encoded, as a checkpoint writes them)."""
    return {
        key: orjson.loads(dumps(value))
        for key, value in data.items()
        if not key.startswith((JOURNAL_PREFIX, APPLIED_PREFIX))
    }


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
    # Batches of 1 to 64 events; every other trial with records so small most checkpoints are chunked,
    # so the kill also tears checkpoints in the middle.
    record_limit = MAX_RECORD_BYTES if trial % 2 else 2048
    first = Worker(
        {}, changelog, rng.choice([1, 7, 50, 400]), batch=rng.choice([1, 3, 20, 64]), max_record_bytes=record_limit
    )
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

    second = Worker(
        restored(survived),
        RecordingChangelog(),
        rng.choice([3, 100]),
        batch=rng.choice([1, 5, 50]),
        gap_piece=rng.choice([7, 500]),
    )
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
    assert second.gap_reads == [(1, 120, 200)]
    # what Faust may commit past: all the recovered state holds, then the gap once it is checkpointed
    assert second.counted_as_acked == [(1, 0, 120), (1, 120, 200)]
    reference = Worker({}, RecordingChangelog(), flush_every=25)
    reference.deliver(1, events, 0)
    assert store_contents(second.state.data) == store_contents(reference.state.data)


def test_a_long_gap_is_read_and_checkpointed_in_pieces_in_offset_order() -> None:
    """Faust skipped 120..279 and delivers 280 on, also a second gap inside the batch: each piece is read
    (at most `gap_piece` events) and applied before what follows it, each its own checkpoint."""
    events = events_by_partition(seed=9)[1][:300]
    changelog = RecordingChangelog()
    first = Worker({}, changelog, flush_every=25)
    first.deliver(1, events[:120], 0)
    first.flush()
    second = Worker(restored(changelog.log), RecordingChangelog(), flush_every=10**9, batch=300, gap_piece=50)
    second._events[1] = events
    delivered = [offset for offset in range(280, 300) if not 288 <= offset < 293]  # a gap inside the batch too
    batch = [FaustEvent(FaustMessage(1, offset, NOW.timestamp()), events[offset]) for offset in delivered]
    asyncio.run(second.runner.run(batch))

    assert second.gap_reads == [(1, 120, 170), (1, 170, 220), (1, 220, 270), (1, 270, 280), (1, 288, 293)]
    assert second.counted_as_acked == [(1, 0, 120), (1, 120, 280), (1, 288, 293)]
    assert [offset for offset, _ in second.state._ledgers[1].journaled] == [169, 219, 269, 279, 287, 292, 299]
    reference = Worker({}, RecordingChangelog(), flush_every=25)
    reference.deliver(1, events, 0)
    assert store_contents(second.state.data) == store_contents(reference.state.data)
    assert rows(second.sent).keys() <= rows(reference.sent).keys()


def test_flushing_trims_the_checkpoints_and_leaves_one_value_per_key() -> None:
    events = events_by_partition(seed=11)[0][:200]
    changelog = RecordingChangelog()
    worker = Worker({}, changelog, flush_every=10**9, batch=20, max_record_bytes=2048)
    worker.deliver(0, events, 0)
    assert worker.state.pending_records() == 10, "one checkpoint per batch"
    assert sum(key.startswith(JOURNAL_PREFIX) for key, _ in changelog.log[0]) > 10, "some were chunked"
    worker.flush()
    assert worker.state.pending_records() == 0
    table = restored(changelog.log)
    assert not [key for key in table if key.startswith(JOURNAL_PREFIX)], "every checkpoint chunk deleted"
    assert table[f"{APPLIED_PREFIX}0"] == {"o": 199}
    assert store_contents(table) == store_contents(worker.state.data)


def test_a_torn_checkpoint_is_dropped_whole_and_its_events_applied_again() -> None:
    events = events_by_partition(seed=13)[0][:60]
    changelog = RecordingChangelog()
    first = Worker({}, changelog, flush_every=10**9, batch=30, max_record_bytes=1024)
    first.deliver(0, events, 0)
    chunks = [index for index, (key, _) in enumerate(changelog.log[0]) if key.startswith(JOURNAL_PREFIX)]
    second_checkpoint = [i for i in chunks if changelog.log[0][i][1]["o"] == 59]
    assert len(second_checkpoint) > 1, "the second batch's checkpoint was chunked"
    torn = {0: changelog.log[0][: second_checkpoint[0] + 1]}  # the kill came after its first chunk

    second_log = RecordingChangelog()
    second = Worker(restored(torn), second_log, flush_every=10**9, batch=30)
    second.deliver(0, events, 30)
    assert second.state.applied(0) == 59
    assert second_log.log[0][0] == (changelog.log[0][second_checkpoint[0]][0], None), "the torn chunk is deleted"
    reference = Worker({}, RecordingChangelog(), flush_every=10**9)
    reference.deliver(0, events, 0)
    assert store_contents(second.state.data) == store_contents(reference.state.data)


def test_a_large_checkpoint_splits_into_chunks_under_the_limit_that_rebuild_it() -> None:
    writes = {f"tickets|K{index}": {"n": index, "pad": "x" * 50} for index in range(200)}
    outputs = [JournaledOutput("t.tickets", f"K{index}", orjson.dumps({"_version": index})) for index in range(300)]
    encoded = encode_checkpoint(41, encode_writes(writes), outputs, limit=4096)
    assert len(encoded) > 1 and all(len(chunk) <= 4096 for chunk in encoded)
    chunks = [orjson.loads(chunk) for chunk in encoded]
    assert {chunk["n"] for chunk in chunks} == {len(chunks)}
    assert sorted(chunk["i"] for chunk in chunks) == list(range(len(chunks)))
    assert {key: value for chunk in chunks for key, value in chunk["w"].items()} == writes
    landed = sorted((topic, key, value) for chunk in chunks for topic, key, value in chunk["out"])
    assert landed == sorted((o.topic, o.key, orjson.loads(o.value)) for o in outputs)
