"""Round-trips through the real broker started by Pantau's launcher."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType

from pantau.kafka.admin import ensure_topics, list_topics
from pantau.kafka.topics import topic_names

pytestmark = pytest.mark.integration


def test_keyed_messages_round_trip_in_order_per_key(kafka_bootstrap: str, topic_name: str) -> None:
    ensure_topics(kafka_bootstrap, [topic_name], partitions=6)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    offices = [f"OFFICE-{n}" for n in range(5)]
    sent = [(office, f"{office}:{seq}".encode()) for seq in range(40) for office in offices]
    for office, value in sent:
        producer.send(topic_name, key=office.encode(), value=value)
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(
        topic_name,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10_000,
        group_id=None,
    )
    received: dict[str, list[bytes]] = defaultdict(list)
    partitions_of: dict[str, set[int]] = defaultdict(set)
    for message in consumer:
        received[message.key.decode()].append(message.value)
        partitions_of[message.key.decode()].add(message.partition)
        if sum(len(values) for values in received.values()) == len(sent):
            break
    consumer.close()

    for office in offices:
        assert received[office] == [value for key, value in sent if key == office]
        assert len(partitions_of[office]) == 1, "one office's events must stay on one partition"


def test_pantau_topics_are_created_with_the_configured_partitions(kafka_bootstrap: str) -> None:
    prefix = "roundtrip-test"
    created = ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=6)
    assert sorted(created) == sorted(topic_names(prefix))
    assert ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=6) == []
    assert set(topic_names(prefix)) <= set(list_topics(kafka_bootstrap))
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap)
    try:
        assert consumer.partitions_for_topic(f"{prefix}.events") == set(range(6))
    finally:
        consumer.close()


def test_two_processes_creating_the_same_topics_at_once_both_succeed(kafka_bootstrap: str) -> None:
    """`pantau up`, a worker and a replay may all ensure the topics at the same moment."""
    names = [f"race-{uuid.uuid4().hex[:8]}.{index}" for index in range(12)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: ensure_topics(kafka_bootstrap, names, partitions=2), range(3)))
    assert set(names) <= set(list_topics(kafka_bootstrap))
    assert all(set(created) <= set(names) for created in results)


def test_topic_settings_are_applied_to_created_topics(kafka_bootstrap: str) -> None:
    name = f"compacted-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, [name], partitions=1, configs={"cleanup.policy": "compact"})
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        admin.close()
    [by_name] = described.values()  # {resource type: {resource name: {config key: config data}}}
    assert "compact" in str(by_name[name]["cleanup.policy"])


def test_the_events_topic_stamps_messages_with_the_brokers_append_time(kafka_bootstrap: str) -> None:
    """The worker and the sink read a message's timestamp as its receipt time (occurred_in_future):
    a producer's own timestamp, ahead of the broker, must not vouch for an event."""
    prefix = f"ts{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    ahead_ms = int(time.time() * 1000) + 30 * 60 * 1000  # Kafka refuses CreateTime more than an hour ahead
    producer.send(f"{prefix}.events", key=b"MPP-JKT-01", value=b"{}", timestamp_ms=ahead_ms)
    producer.send(f"{prefix}.tickets", key=b"MPP-JKT-01", value=b"{}", timestamp_ms=ahead_ms)
    producer.flush()
    producer.close()

    stamps = {}
    for topic in (f"{prefix}.events", f"{prefix}.tickets"):
        consumer = KafkaConsumer(
            topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=10_000
        )
        [message] = list(consumer)
        consumer.close()
        stamps[topic] = (message.timestamp_type, message.timestamp)

    kind, stamp = stamps[f"{prefix}.events"]
    assert kind == 1 and abs(stamp - time.time() * 1000) < 60_000  # LogAppendTime, the broker's clock
    assert stamps[f"{prefix}.tickets"] == (0, ahead_ms)  # other topics keep the producer's CreateTime


def test_the_raw_input_topics_keep_messages_for_seven_days_whatever_the_broker_default(kafka_bootstrap: str) -> None:
    prefix = f"ret{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=1)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        names = [f"{prefix}.events", f"{prefix}.dead-letters"]
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name) for name in names])
    finally:
        admin.close()
    [by_name] = described.values()
    for name in names:
        retention = by_name[name]["retention.ms"]
        # Set on the topic itself, not inherited from a broker whose default could be "forever".
        assert (retention["value"], retention["config_source"]) == (str(7 * 24 * 3600 * 1000), "DYNAMIC_TOPIC_CONFIG")
