"""Exactly-once for real: table changelogs and output rows commit in the transaction of their input.

Faust 0.15.3 (pinned in pyproject.toml) has two gaps that lose facts when a worker is killed:

1. Table writes go to Faust's own producer buffer (`Table.__setitem__` is synchronous) and reach the
   Kafka producer whenever the buffer's task gets to them. `TransactionManager.commit` does not drain
   that buffer, so a commit can carry the input offsets while the changelog of the state they caused
   is still buffered; a kill then loses state for events that will never be redelivered.
2. The transaction of a sent message is chosen by its destination partition, so an output row can
   commit apart from the offset of the event that caused it. The agent therefore sends every output
   to the partition of its input, which is also the partition of the table changelogs it wrote.

`FlushingTransactionManager` closes gap 1: before committing it sends whatever the buffer holds and
waits for the message the buffer's own task may be sending. `install` puts it on one app's transport,
leaving every other Faust app in the process alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import faust
from faust.transport.consumer import TransactionManager
from faust.types import TP

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


class FlushingTransactionManager(TransactionManager):  # type: ignore[misc]
    """Drains Faust's producer buffer into the open transactions before committing them."""

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        await drain_producer_buffer(self.app)
        result: bool = await super().commit(offsets, start_new_transaction=start_new_transaction)
        return result


async def drain_producer_buffer(app: faust.App) -> None:
    """Hand every buffered message (table changelogs) to the Kafka producer before a commit.

    Each message goes into the transaction of its partition; aiokafka's commit then flushes its own
    accumulator before ending the transaction, so the state is in the same transaction as the offsets.
    """
    buffer: Any = app.producer.buffer
    in_flight: _InFlight | None = getattr(buffer, "_pantau_in_flight", None)
    while True:
        while not buffer.pending.empty():
            await buffer._send_pending(buffer.pending.get_nowait())
        if in_flight is None or in_flight.count == 0:
            return
        await asyncio.sleep(0.001)  # the buffer's task is handing one message over; it takes microseconds


def install(app: faust.App) -> None:
    """Use the flushing transaction manager for `app` (call before the app starts)."""
    buffer: Any = app.producer.buffer
    in_flight = _InFlight(buffer._send_pending)
    buffer._pantau_in_flight = in_flight
    buffer._send_pending = in_flight.send
    app.transport.TransactionManager = FlushingTransactionManager  # type: ignore[misc]
