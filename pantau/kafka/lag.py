"""Consumer-group lag: how far each stage is behind, for the status line and `replay --wait`."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
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


class LagProbe:
    """Reads end offsets and committed offsets; one instance per watcher, closed after use."""

    def __init__(self, settings: PantauSettings) -> None:
        config = kafka_connection_config(settings)
        self._admin = KafkaAdminClient(**config, client_id="pantau-lag")
        self._consumer = KafkaConsumer(**config, client_id="pantau-lag", enable_auto_commit=False)

    def end_offsets(self, topics: list[str]) -> dict[TopicPartition, int]:
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]
        ends: dict[TopicPartition, int] = self._consumer.end_offsets(partitions)
        return ends

    def group_lag(self, group: str, topics: list[str]) -> GroupLag:
        """Lag of `group` on `topics`; a partition the group never committed counts from its beginning."""
        ends = self.end_offsets(topics)
        try:
            committed = self._admin.list_group_offsets({group: list(ends)}).get(group, {})
        except KafkaError as exc:
            if not exc.retriable:
                raise
            committed = {}  # coordinator not ready yet (new group, new broker): nothing committed so far
        beginnings: dict[TopicPartition, int] = self._consumer.beginning_offsets(list(ends))
        by_topic: dict[str, int] = {topic: 0 for topic in topics}
        for partition, end in ends.items():
            mark = committed.get(partition)
            position = mark.offset if mark is not None and mark.offset >= 0 else beginnings.get(partition, 0)
            by_topic[partition.topic] += max(0, end - position)
        return GroupLag(group, by_topic)

    def close(self) -> None:
        self._admin.close()
        self._consumer.close()
