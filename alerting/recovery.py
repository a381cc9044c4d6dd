"""Rebuilding the service's state after a restart, from Kafka alone.

- Alerts: the alerts topic read from the start, newest `_version` per alert id (compacted semantics),
  so a restarted service neither reopens nor re-pages what it already handled.
- Live view: the events and complaints records from `lookback` before now up to the group's committed
  offsets, applied without evaluating, so the queue of this morning is known again before new input.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

ConsumerFactory = Callable[..., KafkaConsumer]


def read_topic(factory: ConsumerFactory, topic: str, timeout_s: float = 30.0) -> Iterator[tuple[bytes | None, bytes]]:
    """(key, value) of every record now in `topic`, from the beginning to the current end."""
    consumer = factory(group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        yield from _until(consumer, consumer.end_offsets(partitions), timeout_s)
    finally:
        consumer.close()


def read_range(
    factory: ConsumerFactory,
    starts_ms: int,
    ends: dict[TopicPartition, int],
    timeout_s: float = 60.0,
) -> Iterator[tuple[str, bytes | None, bytes]]:
    """(topic, key, value) of records from timestamp `starts_ms` up to (excluding) `ends` per partition."""
    wanted = {tp: end for tp, end in ends.items() if end > 0}
    if not wanted:
        return
    consumer = factory(group_id=None, enable_auto_commit=False)
    try:
        consumer.assign(list(wanted))
        found = consumer.offsets_for_times({tp: starts_ms for tp in wanted})
        for tp in wanted:
            start = found.get(tp)
            consumer.seek(tp, start.offset if start is not None else wanted[tp])
        yield from _until_with_topic(consumer, wanted, timeout_s)
    finally:
        consumer.close()


def latest_rows(records: Iterator[tuple[bytes | None, bytes]]) -> list[dict[str, Any]]:
    """Decoded JSON objects, the highest `_version` per alert id."""
    rows: dict[str, dict[str, Any]] = {}
    for _, value in records:
        try:
            row = orjson.loads(value)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(row, dict) or "alert_id" not in row:
            continue
        known = rows.get(str(row["alert_id"]))
        if known is None or int(row.get("_version", 0)) >= int(known.get("_version", 0)):
            rows[str(row["alert_id"])] = row
    return list(rows.values())


def _until(consumer: KafkaConsumer, ends: dict[TopicPartition, int], timeout_s: float) -> Iterator[tuple[Any, Any]]:
    for _, key, value in _until_with_topic(consumer, ends, timeout_s):
        yield key, value


def _until_with_topic(
    consumer: KafkaConsumer, ends: dict[TopicPartition, int], timeout_s: float
) -> Iterator[tuple[str, Any, Any]]:
    deadline = time.monotonic() + timeout_s
    pending = {tp for tp, end in ends.items() if consumer.position(tp) < end}
    while pending and time.monotonic() < deadline:
        for tp, records in consumer.poll(timeout_ms=200).items():
            for record in records:
                if record.offset < ends[tp]:
                    yield tp.topic, record.key, record.value
        pending = {tp for tp in pending if consumer.position(tp) < ends[tp]}
