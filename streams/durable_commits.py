"""Commit an input offset only after the table state it caused is in Kafka, whatever the guarantee.

Faust 0.15.3 (pinned in pyproject.toml) writes table changes (`Table.__setitem__` is synchronous) to
its own producer buffer, and a background task hands them to the Kafka producer. Two gaps follow,
and both lose facts when a worker is killed:

1. at_least_once: before committing, Faust calls `ProducerBuffer.flush`, which gives up after
   0.1 s without a message sent and so can return with changelog messages still buffered; the
   offsets then commit ahead of the state.
2. exactly_once: `TransactionManager.commit` does not drain the buffer at all, so a transaction
   can carry the input offsets while the changelog of the state they caused is still buffered.
   (Also, a sent message's transaction is chosen by its destination partition, so the agent sends
   every output to its input's partition, where the table changelogs of that input go too.)

`install` closes both: the buffer's flush becomes a real drain (every queued message handed over,
and the one the buffer's task may be handing over awaited), and under exactly_once the transaction
manager drains before committing. The Kafka producer then flushes its own accumulator before the
commit (aiokafka does so for transactions; Faust's flush does for at_least_once).

State can therefore be ahead of the committed offsets, never behind. Correctness no longer rests on
this (the journal of streams/durable_state.py says which offsets the state holds, and the agent skips
redelivered ones), but a commit that waits keeps a restart from re-reading more than it must.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import faust
from faust.transport.consumer import TransactionManager
from faust.types import TP, AppT

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


def install(app: faust.App, exactly_once: bool) -> None:
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
