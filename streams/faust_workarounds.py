"""Every Faust behaviour the worker works around, in one place, each with why and what shows it.

Faust (faust-streaming 0.15.3, pinned in pyproject.toml) is kept for its consumer group handling,
changelog-backed table and agent model; these are the places where what it does would lose or
stall data. Each section names the behaviour, the fix, and the test that shows it.

1. Commits ahead of the state (`install_commit_drain`). Before committing, Faust's
   `ProducerBuffer.flush` gives up after 0.1 s without a message sent, so it can return with
   changelog messages still buffered; under exactly_once `TransactionManager.commit` does not drain
   the buffer at all. Offsets then commit ahead of the checkpoints they depend on. The buffer's
   flush becomes a real drain, and the transaction manager drains before committing.
   Shown by tests/unit/streams/test_faust_workarounds.py (a slow buffered message is sent before
   the flush returns) and, end to end, by tests/integration/test_worker_crash.py.
2. Messages dropped after a rebalance (`GapReader`). After a kill -9 restart or a second worker
   joining, Faust can drop messages it had fetched and deliver later ones; seeking its consumer
   back does not help (the rest of the batch it is delivering moves its position forward again and
   it drops the sought messages as already read). The checkpoint protocol (streams/checkpoint.py,
   step 2) sees the gap in offsets and reads the missing ones with this group-less consumer.
   Faust never acks what it dropped, so its committed offset would stop before them for good; once
   their checkpoint is sent, `count_gap_as_acked` enters them in Faust's own gap bookkeeping (the
   one it keeps for offsets without messages), and its next commit moves past them. The same for
   the offsets a recovered state already holds (from Faust's committed offset up to the recovered
   one): Faust drops some of those too after a restart, and nothing would ever ack them.
   Shown by tests/unit/streams/test_durable_state.py (a restart that skips fills the gap) and
   tests/integration/test_worker_crash.py (the log line "were skipped; reading them first").
3. Committed offsets stuck before dropped messages (`SkippedOffsetGuard`). Faust never acks the
   messages it dropped, so its committed offset stops before them for good: lag never reaches zero.
   Gaps the worker read itself are counted as acked (section 2); for any other hole the guard seeks
   back once it has lasted two checks, and the re-read messages are skipped as applied. Shown by
   tests/unit/streams/test_offset_guard.py.
4. An agent restarted past a failed event (`stop_uncommitted`). When an agent raises, Faust logs
   it and restarts the agent on the next event, so the failed batch's effects are silently lost.
   The worker ends the process instead, committing nothing (exit 70); `pantau up` restarts it.
6. Commits stalled by an offset listed twice (`install_commit_dedup`). Faust's commit takes the
   first run of consecutive acked offsets (`Consumer._new_offset`), after merging in its gap
   intervals without checking whether those offsets were acked already. After a seek back
   (the guard of section 3, a restart) an offset can thus be listed twice, the run ends at the
   duplicate, and the committed offset crept forward one run per commit (the supervision e2e
   test: 2,500 events to go after a kill -9, a few offsets per commit). The installed version
   drops duplicates before looking for the run; otherwise it is Faust's. Shown by
   tests/unit/streams/test_faust_workarounds.py and tests/e2e/test_up_supervision.py.

(Faust's changelog send path, which sent a deletion as b"null" through the table's JSON serializer
and cost a fifth of the worker's time, is no longer used: streams/app.py `QueuedChangelog` sends the
state's changelog messages straight to the producer, a deletion as a real tombstone.)
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import partial
from typing import Any, NoReturn

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from faust.transport.consumer import TransactionManager
from faust.types import TP, AppT
from faust.utils.functional import consecutive_numbers

from pantau.errors import PantauError

LOG = logging.getLogger("pantau.streams")
EXIT_PROCESSING_FAILED = 70


# --- 1. commits ahead of the state ----------------------------------------------------------------
SendPending = Callable[[Any], Awaitable[None]]


class _InFlight:
    """Counts messages the producer buffer's task has taken off its queue but not yet handed to Kafka."""

    def __init__(self, send_pending: SendPending) -> None:
        self._send_pending = send_pending
        self.count = 0

    async def send(self, future_message: Any) -> None:
        self.count += 1
        try:
            await self._send_pending(future_message)
        finally:
            self.count -= 1


class FlushingTransactionManager(TransactionManager):
    """Drains Faust's producer buffer into the open transactions before committing them."""

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        await drain_producer_buffer(self.app)
        result: bool = await super().commit(offsets, start_new_transaction=start_new_transaction)
        return result


async def drain_producer_buffer(app: AppT) -> None:
    """Hand every buffered message (table changelogs) to the Kafka producer, and wait for the one in flight."""
    buffer: Any = app.producer.buffer
    in_flight: _InFlight | None = getattr(buffer, "_pantau_in_flight", None)
    while True:
        while not buffer.pending.empty():
            await buffer._send_pending(buffer.pending.get_nowait())
        if in_flight is None or in_flight.count == 0:
            return
        await asyncio.sleep(0.001)  # the buffer's task is handing one message over; it takes microseconds


def install_commit_drain(app: faust.App, exactly_once: bool) -> None:
    """Make `app`'s commits wait for its table state (call before the app starts)."""
    buffer: Any = app.producer.buffer
    in_flight = _InFlight(buffer._send_pending)
    buffer._pantau_in_flight = in_flight
    buffer._send_pending = in_flight.send

    async def flush() -> None:
        await drain_producer_buffer(app)

    buffer.flush = flush
    if exactly_once:
        app.transport.TransactionManager = FlushingTransactionManager  # type: ignore[misc]


# --- 2. messages dropped after a rebalance ---------------------------------------------------------


class GapNotReadable(PantauError):
    """The missing offsets could not be read in time; the worker stops uncommitted and tries again."""


class GapReader:
    """Reads [start, end) of a partition of one topic, outside Faust's fetcher."""

    def __init__(self, connection: Mapping[str, Any], topic: str, timeout_s: float = 60.0) -> None:
        """`connection`: aiokafka keyword arguments, bootstrap and security (streams/connection.py)."""
        self._connection = dict(connection)
        self._topic = topic
        self._timeout_s = timeout_s
        self._consumer: AIOKafkaConsumer | None = None

    async def read(self, partition: int, start: int, end: int) -> AsyncIterator[tuple[int, int, bytes]]:
        """Every (offset, timestamp ms, value) of `partition` from `start` (or the first retained one) up to `end`."""
        consumer = await self._started()
        tp = TopicPartition(self._topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, start)
        deadline = time.monotonic() + self._timeout_s
        while await consumer.position(tp) < end:
            if time.monotonic() > deadline:
                raise GapNotReadable(
                    f"{tp.topic}/{partition}: offsets {start}..{end - 1} not read in {self._timeout_s} s"
                )
            batch = await consumer.getmany(tp, timeout_ms=500, max_records=1000)
            for record in batch.get(tp, []):
                if record.offset >= end:
                    return
                yield record.offset, record.timestamp, record.value if record.value is not None else b""

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            self._consumer = AIOKafkaConsumer(
                **self._connection,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            await self._consumer.start()
        return self._consumer


async def count_gap_as_acked(consumer: Any, tp: TP, start: int, end: int) -> None:
    """Let Faust commit past [start, end), offsets the worker's state holds though Faust never acked them.

    Each offset is acked as `Consumer.ack` would (its index and its sorted list), never twice: Faust's
    commit takes the first run of consecutive acked offsets (`Consumer._new_offset`), so an offset
    listed twice (what its own gap bookkeeping does when a gap offset is delivered later, as after
    a seek back) ends the run there, and the committed offset then crept forward one run per
    commit: 4 offsets per 5 s in the supervision e2e test after a kill -9. Offsets below the
    committed one are no longer Faust's concern; with nothing committed yet, nothing is added (Faust
    reads the partition from its start and acks what it delivers).
    """
    committed = consumer._committed_offset.get(tp)
    if committed is None:
        return
    index = consumer._acked_index[tp]
    added = [offset for offset in range(max(start, committed), end) if offset not in index]
    if added:
        index.update(added)
        acked = consumer._acked[tp]
        acked.extend(added)
        acked.sort()


# --- 3. committed offsets stuck before dropped messages ---------------------------------------------




def skipped_from(consumer: Any, tp: TP) -> int | None:
    """The committed offset of `tp` when messages from it on were skipped (none acked at or after it)."""
    committed = consumer._committed_offset.get(tp)
    acked = consumer._acked.get(tp) or []
    if committed is None or not acked or min(acked) <= committed:
        return None
    return int(committed)


class SkippedOffsetGuard:
    """Seeks a partition back to its committed offset once a hole before its acked offsets persists."""

    def __init__(self, topic: str) -> None:
        self._topic = topic
        self._suspects: dict[TP, int] = {}

    async def check(self, consumer: Any) -> list[TP]:
        """Seek back every partition of the topic stuck on the same hole since the last check; returns them."""
        sought = []
        for tp in sorted(consumer.assignment()):
            if tp.topic != self._topic:
                continue
            committed = skipped_from(consumer, tp)
            if committed is None:
                self._suspects.pop(tp, None)
            elif self._suspects.get(tp) == committed:
                LOG.warning(
                    "Faust skipped messages of %s from offset %d after a rebalance; reading them again", tp, committed
                )
                await consumer.seek(tp, committed)
                self._suspects.pop(tp, None)
                sought.append(tp)
            else:
                self._suspects[tp] = committed
        return sought


# --- 4. an agent restarted past a failed event ------------------------------------------------------


def stop_uncommitted(position: str) -> NoReturn:
    """End the worker process at once, committing nothing, after an event could not be processed.

    Faust would restart the agent and carry on past the event, silently losing its effects. Ending
    the process instead leaves the batch and everything after it out of the durable state: a
    restarted worker (`pantau up` reports the exit and restarts it) applies them again from there.
    """
    LOG.critical(
        "stream worker stops: processing the event at %s failed; nothing of it is committed", position, exc_info=True
    )
    logging.shutdown()
    os._exit(EXIT_PROCESSING_FAILED)


# --- 6. commits stalled by an offset listed twice -------------------------------------------------


def new_offset_without_duplicates(consumer: Any, tp: TP) -> int | None:
    """Faust 0.15.3's `Consumer._new_offset`, with each acked offset counted once."""
    acked = consumer._acked[tp]
    if not acked:
        return None
    max_offset = max(acked)
    gap_for_tp = consumer._gap[tp]
    if gap_for_tp:
        candidates = sorted(gap_for_tp.overlap(0, max_offset), key=lambda interval: interval.begin)
        if candidates:
            gap_offsets = [offset for interval in candidates for offset in range(interval.begin, interval.end)]
            acked.extend(gap_offsets)
            gap_for_tp.chop(0, max(gap_offsets[-1], max_offset + 1))
    acked[:] = sorted(set(acked))
    committed = consumer._committed_offset[tp]
    if committed and min(acked) - committed > 1:
        return None
    batch = next(consecutive_numbers(acked))
    acked[: len(batch)] = []
    consumer._acked_index[tp].difference_update(batch)
    return int(batch[-1]) + 1


def install_commit_dedup(app: faust.App) -> None:
    """Make `app`'s consumer count each acked offset once when it computes what to commit."""
    consumer: Any = app.consumer
    consumer._new_offset = partial(new_offset_without_duplicates, consumer)
