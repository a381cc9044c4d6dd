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


def test_a_gap_the_worker_read_itself_lets_faust_commit_past_it() -> None:
    async def scenario() -> tuple[int | None, int | None]:
        app = faust.App("gaps", broker="kafka://localhost:1")
        consumer: Any = app.consumer
        tp = TP("pantau.events", 0)
        consumer._committed_offset[tp] = 9
        consumer._acked[tp] = [30, 31, 32]  # Faust dropped 10..29 and acked what came after
        before = consumer._new_offset(tp)
        await count_gap_as_acked(consumer, tp, 10, 30)
        return before, consumer._new_offset(tp)

    before, after = asyncio.run(scenario())
    assert before is None, "Faust's own bookkeeping: nothing to commit past the dropped messages"
    assert after == 33
