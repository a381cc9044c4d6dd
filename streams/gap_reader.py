"""Read offsets Faust skipped, with a consumer of our own, so the agent can apply them in order.

See streams/offset_gate.py for why Faust's own consumer cannot be sent back for them. This consumer
has no group and commits nothing: it only reads a range of one partition, from the offset the state
expects up to the message that revealed the gap.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition  # type: ignore[import-untyped]

from pantau.errors import PantauError


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
