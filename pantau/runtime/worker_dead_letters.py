"""Counting what the stream worker dead-lettered out of one replay, so `replay --wait` can reconcile.

The replay validates before sending, so the worker normally refuses nothing; it can, when it runs with
another catalog. Its dead letters name their input as `kafka:<events topic>` at `partition/offset`, so
the ones caused by this replay are those whose offset lies in the range the replay wrote, read from the
dead-letter topic between its ends before the replay and after the worker caught up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import orjson
from kafka import TopicPartition

from pantau.kafka.lag import LagProbe


@dataclass(frozen=True)
class WorkerDeadLetters:
    """Events of the replay that the stream worker refused, with their reason codes."""

    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def count_worker_dead_letters(
    probe: LagProbe,
    dead_letter_topic: str,
    events_topic: str,
    dead_letters_before: dict[TopicPartition, int],
    sent_range: dict[TopicPartition, tuple[int, int]],
    timeout_s: float = 30.0,
) -> WorkerDeadLetters:
    """Dead letters written by the worker for events at offsets `sent_range` of `events_topic`."""
    ends = probe.stable_end_offsets([dead_letter_topic])
    ranges = {partition: (dead_letters_before.get(partition, 0), end) for partition, end in ends.items()}
    read = probe.read_range(ranges, timeout_s=timeout_s)
    source = f"kafka:{events_topic}"
    reasons: Counter[str] = Counter()
    for record in read.records:
        try:
            document = orjson.loads(record.value)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(document, dict) or document.get("source") != source:
            continue
        partition, _, offset = str(document.get("position", "")).partition("/")
        if not (partition.isdigit() and offset.isdigit()):
            continue
        bounds = sent_range.get(TopicPartition(events_topic, int(partition)))
        if bounds is not None and bounds[0] <= int(offset) < bounds[1]:
            reasons[str(document.get("reason_code", "unknown"))] += 1
    return WorkerDeadLetters(sum(reasons.values()), dict(reasons))
