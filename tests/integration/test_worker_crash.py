"""kill -9 of the stream worker mid-stream: after restarts, its output topics hold exactly the rows of
an uninterrupted run (no loss, no duplicates, no stray versions), through the real broker.

The uninterrupted run is the same processor fed the same events in-process. The worker applies
every event once, in its partition's order, a whole batch at a time (streams/checkpoint.py),
so every output topic must end with the newest rows of that run, versions included: facts, breaches
and signals (a batch sends only the newest version of each row).
"""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka import topics
from pantau.kafka.admin import ensure_topics
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import topic_names
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulationOptions, simulate
from streams.app import app_id
from streams.processor import EventProcessor, Stores
from tests.integration.pipeline_checks import expected_tickets, wait_for

pytestmark = pytest.mark.integration
CATALOG = load_catalog()
KEY = "crash-test-pseudonym-key"
OUTPUT_TOPICS = (
    topics.TICKETS,
    topics.WINDOW_METRICS,
    topics.IKM,
    topics.COMPLAINTS,
    topics.SURVEYS,
    topics.SLA_BREACHES,
    topics.SIGNALS,
)
Rows = dict[tuple[str, str], dict[str, Any]]


def newest_rows(bootstrap: str, prefix: str) -> Rows:
    """(topic, key) -> the row with the highest _version, read committed from every output topic.

    Two different rows under one key and version would be a re-send that changed its mind: refused.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level="read_committed")
    try:
        partitions = [
            TopicPartition(spec.name(prefix), partition)
            for spec in OUTPUT_TOPICS
            for partition in sorted(consumer.partitions_for_topic(spec.name(prefix)) or ())
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        rows: Rows = {}
        while any(consumer.position(partition) < end for partition, end in ends.items()):
            for batch in consumer.poll(timeout_ms=1000).values():
                for message in batch:
                    key = (message.topic, message.key.decode())
                    row = orjson.loads(message.value)
                    if key not in rows or row["_version"] > rows[key]["_version"]:
                        rows[key] = row
                    elif row["_version"] == rows[key]["_version"]:
                        assert row == rows[key], f"{key}: two rows with version {row['_version']}"
        return rows
    finally:
        consumer.close()


def reference_rows(payloads: list[bytes], prefix: str) -> Rows:
    """The same processor over the same events, in-process, with no crash: the uninterrupted run."""
    processor = EventProcessor(CATALOG, KEY.encode(), source="reference")
    stores = Stores(**{field.name: {} for field in fields(Stores)})
    names = {spec: spec.name(prefix) for spec in OUTPUT_TOPICS}
    rows: Rows = {}
    for position, payload in enumerate(payloads):
        for output in processor.process(payload, str(position), stores, datetime.now(UTC)):
            if output.topic in names and isinstance(output.value, dict):
                rows[(names[output.topic], output.key)] = orjson.loads(orjson.dumps(output.value))
    return rows


def test_a_worker_killed_twice_mid_stream_loses_and_doubles_nothing(kafka_bootstrap: str, tmp_path: Path) -> None:
    prefix = f"crash{uuid.uuid4().hex[:8]}"
    settings = PantauSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=prefix,
        kafka_partitions=3,
    )
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=3)
    options = SimulationOptions(offices=6, days=2, seed=21, start=date(2026, 11, 3), out_of_order=0.03, duplicates=0.03)
    records = list(simulate(CATALOG, options))
    publisher = EventPublisher(create_producer(settings), EventValidator(CATALOG), prefix, "simulator")
    for position, record in enumerate(records):
        publisher.publish(record.payload, str(position))
    publisher.close()
    accepted = [record.payload for record in records if record.valid_expected]
    assert publisher.counts.accepted == len(accepted)

    log = tmp_path / "worker.log"
    worker = WorkerProcess(
        settings,
        log,
        {  # a short commit interval makes a kill between commits likely; a short session, a quick takeover
            "PANTAU_PSEUDONYM_KEY": KEY,
            "PANTAU_STREAM_COMMIT_INTERVAL_S": "0.3",
            "PANTAU_STREAM_SESSION_TIMEOUT_S": "6",
        },
    )
    probe = LagProbe(settings)

    def lag() -> int:
        return probe.group_lag(app_id(prefix), [topics.EVENTS.name(prefix)]).total

    def uncommitted() -> int:
        assert worker.exit_code is None, log.read_text()[-3000:]
        return lag()

    uncommitted_at_kill = []
    try:
        for share in (0.2, 0.5):
            worker.start()
            left = (1 - share) * len(accepted)
            wait_for(lambda left=left: uncommitted() <= left, 300, f"{share:.0%} of the events committed", 0.1)
            worker.kill()
            uncommitted_at_kill.append(lag())
        worker.start()
        wait_for(lambda: uncommitted() == 0, 300, "the restarted worker to consume every event")
    finally:
        worker.stop()
        probe.close()
    assert all(left > 0 for left in uncommitted_at_kill), "each kill came mid-stream"

    landed = newest_rows(kafka_bootstrap, prefix)
    reference = reference_rows(accepted, prefix)
    assert set(landed) == set(reference)
    differences = {
        key: {field: (landed[key].get(field), value) for field, value in row.items() if landed[key].get(field) != value}
        for key, row in reference.items()
        if landed[key] != row
    }
    assert differences == {}

    tickets = {
        tuple(key.split("|")): (row["outcome"], None if row["wait_s"] is None else round(row["wait_s"], 3))
        for (topic, key), row in landed.items()
        if topic == topics.TICKETS.name(prefix)
    }
    assert tickets == expected_tickets(records)
