"""The stream worker's unit of work and durability: a batch of events, one checkpoint per partition.

Invariant: after a kill -9 at any moment, the restarted worker's state is the state after some batch
prefix of each partition, whole, and every output that state caused is in Kafka or is sent again;
each offset is applied once, in its partition's order. So the output topics end with exactly the
newest rows of an uninterrupted run (tests/unit/streams/test_durable_state.py crashes a model of
this loop at random points; tests/integration/test_worker_crash.py kills the real worker).

For each batch Faust hands over (`stream.take_events`, bounded by PANTAU_STREAM_BATCH_MAX_EVENTS and
PANTAU_STREAM_BATCH_MAX_WAIT_S), per partition, in order:

1. Recover, at the partition's first batch after an assignment: the complete checkpoints in the
   restored changelog are applied over the flushed values (streams/durable_state.py), and their
   outputs are sent again.
2. Admit: offsets at or below the last applied one are skipped (Faust redelivers from its last
   commit); offsets Faust skipped (streams/faust_workarounds.py: it drops fetched messages after a
   rebalance) are read with a consumer of our own and applied in their place, in offset order, in
   pieces of at most a batch's size (each piece its own checkpoint), so a long gap is never held
   in memory whole.
3. Process the admitted events in offset order with the pure processor; the stores record which
   keys the batch wrote.
4. Coalesce the outputs: only the newest version of each (topic, key) row is kept, since the sink
   and every reader keep the highest `_version`; dead letters are never coalesced.
5. Checkpoint: one changelog record (chunked only when large, applied only whole) with the final
   value of every key the batch wrote, the coalesced outputs, and the batch's last offset.
6. Send the outputs to their topics, to the input's partition (meant to put them in the input
   partition's transaction under exactly_once; unproven, see streams/README.md), and mark the
   batch sent.

After the batch: 7. flush, at most every PANTAU_STREAM_FLUSH_INTERVAL_S or when many checkpoints
wait: the current value of every key changed since the last flush, then (once Kafka has them) an
applied marker and the deletion of the checkpoints they cover. 8. Faust acks the batch's events
once the loop asks for the next batch, and commits their offsets only after its producer buffer and
the Kafka producer are drained (faust_workarounds.install_commit_drain). Offsets therefore never run
ahead of the checkpoints; correctness does not rest on them, only how much a restart re-reads.

A batch that cannot be processed stops the worker uncommitted (exit 70): nothing of it is in a
checkpoint, and a restarted worker applies it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from pantau.kafka import topics
from streams.durable_state import DurableState, FlushPlan, JournaledOutput
from streams.processor import EventProcessor, Output

LOG = logging.getLogger("pantau.streams")

MAX_PENDING_CHECKPOINTS = 2_000
"""Flush sooner than the interval once this many checkpoints wait (bounds memory and recovery)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One event message of the events topic: its offset, Kafka timestamp (ms) and raw value."""

    offset: int
    timestamp_ms: float
    value: bytes


class BatchFailed(Exception):
    """An event of a batch could not be processed; `position` is its "<partition>/<offset>"."""

    def __init__(self, position: str) -> None:
        super().__init__(f"processing the event at {position} failed")
        self.position = position


GapRead = Callable[[int, int, int], AsyncIterator[tuple[int, int, bytes]]]
"""(partition, first offset, end offset) -> every (offset, timestamp ms, value) present in [first, end)."""
Send = Callable[[JournaledOutput, int], Awaitable[None]]
"""Sends one output to its topic, on the given (input) partition."""
GapDone = Callable[[int, int, int], Awaitable[None]]
"""(partition, first offset, end offset): a gap read by the worker itself is in a sent checkpoint."""


def next_offset(applied: int | None) -> int:
    """The offset the state expects next; a partition the state holds nothing of is read from its start."""
    return 0 if applied is None else applied + 1


def encode(output: Output, prefix: str) -> JournaledOutput:
    """An output as it is sent and checkpointed: topic name, key, JSON bytes."""
    value = output.value if isinstance(output.value, bytes) else orjson.dumps(output.value)
    return JournaledOutput(output.topic.name(prefix), output.key, value)


def coalesced(outputs: Sequence[Output]) -> list[Output]:
    """Step 4: the newest output of each (topic, key) row, in first-seen order; every dead letter kept.

    Each row carries the `_version` of its revision and later revisions only grow it, so the last
    output of a key within a batch is its newest; readers keep the highest version per key.
    """
    rows: dict[tuple[str, str], Output] = {}
    kept: list[Output | tuple[str, str]] = []
    for output in outputs:
        if output.topic is topics.DEAD_LETTERS:
            kept.append(output)
            continue
        row_key = (output.topic.suffix, output.key)
        if row_key not in rows:
            kept.append(row_key)
        rows[row_key] = output
    return [rows[item] if isinstance(item, tuple) else item for item in kept]


class BatchCheckpointer:
    """Steps 1-7 over a `DurableState` and a pure `EventProcessor`; Faust-free, so the crash model runs it."""

    def __init__(
        self,
        state: DurableState,
        processor: EventProcessor,
        prefix: str,
        flush_interval_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._state = state
        self._processor = processor
        self._prefix = prefix
        self._flush_interval_s = flush_interval_s
        self._clock = clock
        self._last_flush = clock()

    def needs_recovery(self, partition: int) -> bool:
        return self._state.needs_recovery(partition)

    def applied(self, partition: int) -> int | None:
        """The last offset of `partition` in the state."""
        return self._state.applied(partition)

    def recover(self, partition: int) -> list[JournaledOutput]:
        """Step 1: outputs to send again before the partition's first batch (empty if recovered already)."""
        if not self._state.needs_recovery(partition):
            return []
        return self._state.recover(partition)

    def missing(self, partition: int, offsets: Sequence[int]) -> list[tuple[int, int]]:
        """Step 2, the gaps: [start, end) ranges before or between `offsets` (ascending) the state lacks."""
        expected = next_offset(self._state.applied(partition))
        ranges = []
        for offset in offsets:
            if offset > expected:
                ranges.append((expected, offset))
            expected = max(expected, offset + 1)
        return ranges

    def admitted(self, partition: int, messages: Sequence[Message]) -> list[Message]:
        """Step 2, the skips: the messages past the applied offset, once each, in offset order."""
        expected = next_offset(self._state.applied(partition))
        result = []
        for message in sorted(messages, key=lambda item: item.offset):
            if message.offset >= expected:
                result.append(message)
                expected = message.offset + 1
        return result

    def apply(self, partition: int, messages: Sequence[Message]) -> list[JournaledOutput]:
        """Steps 3-5 for admitted messages; returns the outputs to send (step 6), then call `sent`."""
        if not messages:
            return []
        state, processor = self._state, self._processor
        stores = state.stores
        state.begin()
        outputs: list[Output] = []
        for message in messages:
            position = f"{partition}/{message.offset}"
            # The Kafka timestamp is the event's receipt time (Pantau's events topic uses LogAppendTime),
            # so a re-read message is judged as the first time (occurred_in_future, live or history).
            received_at = datetime.fromtimestamp(message.timestamp_ms / 1000, tz=UTC)
            try:
                outputs += processor.process(message.value, position, stores, received_at)
            except Exception as error:
                raise BatchFailed(position) from error
        encoded = [encode(output, self._prefix) for output in coalesced(outputs)]
        state.finish(partition, messages[-1].offset, encoded)
        return encoded

    def sent(self, partition: int, offset: int) -> None:
        """Step 6 done: every output of the batch ending at `offset` is with the producer."""
        self._state.sent(partition, offset)

    def flush_due(self) -> bool:
        """Step 7: is a flush due (interval passed, or many checkpoints waiting)?"""
        return (
            self._clock() - self._last_flush >= self._flush_interval_s
            or self._state.pending_records() >= MAX_PENDING_CHECKPOINTS
        )

    def flush_values(self) -> FlushPlan:
        """Step 7, first half: send the changed values; the caller waits until Kafka has them, then `seal`s."""
        self._last_flush = self._clock()
        return self._state.flush_base()

    def seal(self, plan: FlushPlan) -> None:
        """Step 7, second half: applied markers and deletion of the checkpoints the values cover."""
        self._state.seal(plan)


class BatchRunner:
    """The async side of the loop: groups a Faust batch by partition, reads gaps, sends, flushes."""

    def __init__(
        self,
        checkpointer: BatchCheckpointer,
        send: Send,
        read_gap: GapRead,
        drain_producer: Callable[[], Awaitable[None]],
        publish_changelog: Callable[[], Awaitable[None]],
        gap_done: GapDone | None = None,
        gap_piece: int = 500,
    ) -> None:
        """`publish_changelog`: sends the changelog messages the state queued, in order; the runner
        calls it after each step that queued some, before anything that depends on them.
        `gap_done`: told of offsets the state holds that Faust did not deliver (a gap once its
        checkpoint is sent; after a recovery, every offset up to the recovered one), so Faust may
        commit past them (faust_workarounds.count_gap_as_acked); None where nothing commits.
        `gap_piece`: most events read from a gap at once (the batch size, PANTAU_STREAM_BATCH_MAX_EVENTS)."""
        self._checkpointer = checkpointer
        self._send = send
        self._read_gap = read_gap
        self._drain_producer = drain_producer
        self._publish_changelog = publish_changelog
        self._gap_done = gap_done
        self._gap_piece = gap_piece

    async def run(self, batch: Sequence[Any]) -> None:
        """One Faust batch (events with `.message.partition/.offset/.timestamp` and a raw `.value`)."""
        by_partition: dict[int, list[Message]] = {}
        for event in batch:
            message = event.message
            by_partition.setdefault(message.partition, []).append(
                Message(message.offset, message.timestamp * 1000, event.value)
            )
        for partition, messages in by_partition.items():
            await self.run_partition(partition, messages)
        if self._checkpointer.flush_due():
            await self.flush()

    async def run_partition(self, partition: int, messages: list[Message]) -> None:
        checkpointer = self._checkpointer
        recovering = checkpointer.needs_recovery(partition)
        resent = checkpointer.recover(partition)
        await self._publish_changelog()  # deletions of a torn checkpoint
        for output in resent:
            await self._send(output, partition)
        applied = checkpointer.applied(partition)
        if recovering and applied is not None and self._gap_done is not None:
            # Every offset up to `applied` is in the recovered state; Faust may never deliver (or ack)
            # some of them after a restart, and its commit would wait on them for good.
            await self._gap_done(partition, 0, applied + 1)
        pending = checkpointer.admitted(partition, messages)
        for start, end in checkpointer.missing(partition, [message.offset for message in pending]):
            # In offset order: what was delivered before the gap, then the gap in pieces of at most
            # `gap_piece` events (each its own checkpoint, so a long gap never sits in memory whole).
            await self._apply_and_send(partition, [message for message in pending if message.offset < start])
            pending = [message for message in pending if message.offset >= end]
            LOG.warning("partition %d: offsets %d..%d were skipped; reading them first", partition, start, end - 1)
            for piece_start in range(start, end, self._gap_piece):
                piece = await self._gap_messages(partition, piece_start, min(end, piece_start + self._gap_piece))
                await self._apply_and_send(partition, checkpointer.admitted(partition, piece))
            if self._gap_done is not None:
                await self._gap_done(partition, start, end)
        await self._apply_and_send(partition, pending)

    async def _apply_and_send(self, partition: int, admitted: list[Message]) -> None:
        """Steps 3-6 for admitted messages in offset order: apply, checkpoint, send, mark sent."""
        if not admitted:
            return
        outputs = self._checkpointer.apply(partition, admitted)
        await self._publish_changelog()  # step 5: the checkpoint, before its outputs
        for output in outputs:
            await self._send(output, partition)
        self._checkpointer.sent(partition, admitted[-1].offset)

    async def _gap_messages(self, partition: int, start: int, end: int) -> list[Message]:
        return [Message(offset, stamp, value) async for offset, stamp, value in self._read_gap(partition, start, end)]

    async def flush(self) -> None:
        """Step 7 whole: changed values, wait for Kafka, then seal."""
        plan = self._checkpointer.flush_values()
        if not plan.through:
            return
        await self._publish_changelog()
        await self._drain_producer()
        self._checkpointer.seal(plan)
        await self._publish_changelog()
