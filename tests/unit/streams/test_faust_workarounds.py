"""Workarounds of streams/faust_workarounds.py against Faust's own classes: the behaviour, then the fix.

Reading skipped messages (section 2) is shown by test_durable_state.py and the worker crash test,
the guard (3) by test_offset_guard.py; section 1 and section 2's commit here, with Faust's real classes.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import faust
from faust.transport.producer import ProducerBuffer
from faust.types import TP

from streams.faust_workarounds import (
    FlushingTransactionManager,
    count_gap_as_acked,
    install_commit_dedup,
    install_commit_drain,
)


class RunningBuffer(ProducerBuffer):
    """Faust's producer buffer, reporting itself running, with no task draining it (a busy loop)."""

    state = "running"  # type: ignore[assignment]


def buffered(published: list[Any]) -> Any:
    """A FutureMessage as the buffer sees it: sending it calls its channel's publish_message."""

    async def publish(future: Any, wait: bool = False) -> None:
        published.append(future)

    return SimpleNamespace(message=SimpleNamespace(channel=SimpleNamespace(publish_message=publish)))


def test_faust_flush_gives_up_with_messages_buffered_and_the_installed_drain_sends_them() -> None:
    async def scenario() -> tuple[float, int, int, int, int]:
        published: list[Any] = []
        faust_buffer = RunningBuffer()
        faust_buffer.app = faust.App("faust-flush", broker="kafka://localhost:1")
        for _ in range(3):
            faust_buffer.pending.put_nowait(buffered(published))
        started = time.monotonic()
        await faust_buffer.flush()  # Faust's flush: waits 0.1 s for its task, then returns
        faust_took, faust_left, faust_sent = time.monotonic() - started, faust_buffer.pending.qsize(), len(published)

        app = faust.App("drained-flush", broker="kafka://localhost:1")
        buffer: Any = app.producer.buffer
        for _ in range(3):
            buffer.pending.put_nowait(buffered(published))
        install_commit_drain(app, exactly_once=False)
        await buffer.flush()
        return faust_took, faust_left, faust_sent, buffer.pending.qsize(), len(published) - faust_sent

    faust_took, faust_left, faust_sent, left, sent = asyncio.run(scenario())
    assert (faust_left, faust_sent) == (3, 0) and faust_took < 1.0, "Faust's flush returned with all three buffered"
    assert (left, sent) == (0, 3), "the installed flush handed every buffered message over"


def test_exactly_once_commits_drain_the_buffer_first() -> None:
    app = faust.App("eos", broker="kafka://localhost:1", processing_guarantee="exactly_once")
    install_commit_drain(app, exactly_once=True)
    assert app.transport.TransactionManager is FlushingTransactionManager


def test_a_gap_the_worker_read_itself_lets_faust_commit_past_it_once() -> None:
    async def scenario() -> tuple[int | None, int | None, int | None]:
        app = faust.App("gaps", broker="kafka://localhost:1")
        consumer: Any = app.consumer
        tp = TP("pantau.events", 0)
        consumer._committed_offset[tp] = 10
        for offset in (30, 31, 32):  # Faust dropped 10..29 and acked what came after
            consumer._acked_index[tp].add(offset)
            consumer._acked[tp].append(offset)
        before = consumer._new_offset(tp)
        await count_gap_as_acked(consumer, tp, 5, 31)  # the state holds up to 30
        # Faust later delivers some of them again (a seek back): acking them must change nothing
        message = SimpleNamespace(acked=False, tp=tp, offset=12, topic="pantau.events")
        consumer.app.topics.acks_enabled_for = lambda topic: True
        consumer.ack(message)
        after = consumer._new_offset(tp)
        consumer._committed_offset[tp] = after
        return before, after, consumer._new_offset(tp)

    before, after, rest = asyncio.run(scenario())
    assert before is None, "Faust's own bookkeeping: nothing to commit past the dropped messages"
    assert after == 33, "one run of consecutive offsets up to the last acked"
    assert rest is None, "nothing left over: no offset was listed twice"


def test_an_offset_listed_twice_stalls_faust_commits_and_the_installed_version_counts_it_once() -> None:
    def listed_twice(consumer: Any, tp: TP) -> None:
        consumer._committed_offset[tp] = 100
        for offset in range(100, 110):
            consumer._acked_index[tp].add(offset)
            consumer._acked[tp].append(offset)
        consumer._gap[tp].addi(103, 106)  # Faust's gap bookkeeping, for offsets also delivered after a seek

    async def scenario() -> tuple[int | None, int | None]:
        tp = TP("pantau.events", 0)
        faust_consumer: Any = faust.App("dup-faust", broker="kafka://localhost:1").consumer
        listed_twice(faust_consumer, tp)
        app = faust.App("dup-fixed", broker="kafka://localhost:1")
        install_commit_dedup(app)
        fixed: Any = app.consumer
        listed_twice(fixed, tp)
        return faust_consumer._new_offset(tp), fixed._new_offset(tp)

    faust_offset, fixed_offset = asyncio.run(scenario())
    assert faust_offset == 104, "Faust's run ends at the first offset listed twice"
    assert fixed_offset == 110, "every acked offset committed"
