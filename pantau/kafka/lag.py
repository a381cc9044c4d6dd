"""Consumer-group lag: how far each stage is behind, for the status line and `replay --wait`.

Two notions of "the end" of a partition matter. The high watermark counts every offset, including
records of open or aborted transactions and the commit/abort markers the stream worker's exactly-once
transactions write. The last stable offset (what a `read_committed` consumer can reach) stops before an
open transaction. A consumer that has read everything visible may still sit below the high watermark
by a few markers, so `visible_records` tells a real backlog from offsets that hold nothing to read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from pantau.kafka.client_config import kafka_connection_config
from pantau.settings import PantauSettings


@dataclass(frozen=True)
class GroupLag:
    """Messages a consumer group has not committed yet, in total and per topic."""

    group: str
    by_topic: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_topic.values())


@dataclass
class RangeRead:
    """Records read from offset ranges, and the partitions whose range was read to its end."""

    records: list[ConsumerRecord] = field(default_factory=list)
    complete: set[TopicPartition] = field(default_factory=set)


class LagProbe:
    """Reads end offsets and committed offsets; one instance per watcher, closed after use."""

    def __init__(self, settings: PantauSettings) -> None:
        config = kafka_connection_config(settings)
        self._config = config
        self._admin = KafkaAdminClient(**config, client_id="pantau-lag")
        self._consumer = KafkaConsumer(**config, client_id="pantau-lag", enable_auto_commit=False)
        self._reader: KafkaConsumer | None = None

    def partitions(self, topics: list[str]) -> list[TopicPartition]:
        """Every partition of `topics` the cluster knows about (none for a topic that does not exist yet)."""
        return [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]

    def end_offsets(self, topics: list[str]) -> dict[TopicPartition, int]:
        """High watermarks: one past the last offset written, markers and open transactions included."""
        ends: dict[TopicPartition, int] = self._consumer.end_offsets(self.partitions(topics))
        return ends

    def stable_end_offsets(self, topics: list[str], attempts: int = 5) -> dict[TopicPartition, int]:
        """Last stable offsets: as far as a read_committed consumer (the sink, the worker) can get now.

        kafka-python drops a partition whose answer carried a retriable error (KeyError); after a few
        tries the high watermarks are returned instead, which are never below the stable offsets.
        """
        partitions = self.partitions(topics)
        for attempt in range(attempts):
            try:
                ends: dict[TopicPartition, int] = self._read_committed().end_offsets(partitions)
                return ends
            except KeyError:
                time.sleep(0.2 * (attempt + 1))
        return self.end_offsets(topics)

    def committed_offsets(self, group: str, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        """Where `group` resumes on each partition; a partition it never committed counts from its beginning."""
        try:
            committed = self._admin.list_group_offsets({group: partitions}).get(group, {})
        except KafkaError as exc:
            if not exc.retriable:
                raise
            committed = {}  # coordinator not ready yet (new group, new broker): nothing committed so far
        beginnings: dict[TopicPartition, int] = self._consumer.beginning_offsets(partitions)
        positions = {}
        for partition in partitions:
            mark = committed.get(partition)
            positions[partition] = (
                mark.offset if mark is not None and mark.offset >= 0 else beginnings.get(partition, 0)
            )
        return positions

    def group_lag(self, group: str, topics: list[str]) -> GroupLag:
        """Lag of `group` on `topics` against the high watermarks."""
        ends = self.end_offsets(topics)
        committed = self.committed_offsets(group, list(ends))
        by_topic: dict[str, int] = {topic: 0 for topic in topics}
        for partition, end in ends.items():
            by_topic[partition.topic] += max(0, end - committed[partition])
        return GroupLag(group, by_topic)

    def read_range(self, ranges: dict[TopicPartition, tuple[int, int]], timeout_s: float = 10.0) -> RangeRead:
        """Committed records with start <= offset < end on each partition, read with read_committed.

        A partition is complete once the reader's position reaches `end` (control markers and aborted
        records are skipped, so an empty complete range holds nothing a consumer would ever see). An open
        transaction inside a range keeps it incomplete until `timeout_s`.
        """
        result = RangeRead()
        pending = {partition: bounds for partition, bounds in ranges.items() if bounds[0] < bounds[1]}
        result.complete.update(partition for partition in ranges if partition not in pending)
        if not pending:
            return result
        reader = self._read_committed()
        reader.assign(list(pending))
        for partition, (start, _) in pending.items():
            reader.seek(partition, start)
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            polled = reader.poll(timeout_ms=200)
            for partition, messages in polled.items():
                if partition in pending:
                    end = pending[partition][1]
                    result.records.extend(message for message in messages if message.offset < end)
            for partition in list(pending):
                if reader.position(partition) >= pending[partition][1]:
                    result.complete.add(partition)
                    del pending[partition]
        reader.assign([])
        return result

    def close(self) -> None:
        self._admin.close()
        self._consumer.close()
        if self._reader is not None:
            self._reader.close()

    def _read_committed(self) -> KafkaConsumer:
        if self._reader is None:
            self._reader = KafkaConsumer(
                **self._config,
                client_id="pantau-lag-reader",
                enable_auto_commit=False,
                isolation_level="read_committed",
            )
        return self._reader
