"""The no-processing ceiling: Kafka in, ClickHouse out, nothing in between but JSON decoding.

Usage: python benchmarks/ceiling.py [--events 100000] [--batch 5000] [--bootstrap HOST:PORT]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

N simulated events go to a fresh topic (kafka-python, acks=all, lz4, as Pantau's producers send
them); a kafka-python consumer reads them back and inserts them in batches into a plain MergeTree
table of embedded ClickHouse (chDB, in a temporary folder): the raw JSON plus type, office, event id,
event time, partition and offset. Each stage is timed alone, then the whole path runs concurrently
(a producer thread feeding a second fresh topic while the main thread consumes and inserts) for the
sustained end-to-end rate: what a pipeline without any stream processing could do on this machine.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

# Run as a script, so the shared set-up beside it imports as a top-level module.
from _common import configured_bootstrap, fresh_topic, kafka, machine, print_table, produce, simulated_records
from clickhouse_connect.driver.client import Client
from kafka import KafkaConsumer

from pantau.clickhouse import EmbeddedTarget, clickhouse_session
from producers.simulator import SimulatedRecord

DATABASE = "bench"
TABLE = f"{DATABASE}.raw_events"
COLUMNS = ["event_id", "type", "office_id", "occurred_at", "raw", "kafka_partition", "kafka_offset"]
DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    event_id String,
    type LowCardinality(String),
    office_id LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    raw String,
    kafka_partition UInt16,
    kafka_offset UInt64
) ENGINE = MergeTree ORDER BY (office_id, occurred_at)
"""


def consumer(bootstrap: str, topic: str) -> KafkaConsumer:
    """A consumer of the whole topic from its start, in a group of its own."""
    return KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-ceiling-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=5000,
        fetch_max_bytes=50 * 1024 * 1024,
        max_partition_fetch_bytes=10 * 1024 * 1024,
        client_id="pantau-bench-ceiling",
    )


def row_of(message: Any) -> list[Any]:
    """The table row of one Kafka message: decoding the JSON is the only work done."""
    event = orjson.loads(message.value)
    return [
        event["event_id"],
        event["type"],
        event["office_id"],
        datetime.fromisoformat(event["occurred_at"]),
        message.value.decode(),
        message.partition,
        message.offset,
    ]


def drain(bootstrap: str, topic: str, count: int, on_batch: Callable[[list[Any]], None]) -> float:
    """Poll until `count` messages were handed to `on_batch`; seconds from the first message on."""
    reader = consumer(bootstrap, topic)
    seen = 0
    first: float | None = None
    try:
        while seen < count:
            polled = reader.poll(timeout_ms=1000)
            messages = [message for batch in polled.values() for message in batch]
            if not messages:
                continue
            first = first if first is not None else time.perf_counter()
            on_batch(messages)
            seen += len(messages)
        assert first is not None
        return time.perf_counter() - first
    finally:
        reader.close()


def insert_rows(client: Client, rows: Sequence[list[Any]], batch: int) -> float:
    started = time.perf_counter()
    for offset in range(0, len(rows), batch):
        client.insert(TABLE, rows[offset : offset + batch], column_names=COLUMNS)
    return time.perf_counter() - started


def end_to_end(bootstrap: str, client: Client, records: Sequence[SimulatedRecord], batch: int) -> float:
    """Produce on a thread while the main thread consumes and inserts; seconds from first send to last insert."""
    topic = fresh_topic(bootstrap, "ceiling-e2e")
    pending: list[list[Any]] = []

    def land(messages: list[Any]) -> None:
        pending.extend(row_of(message) for message in messages)
        if len(pending) >= batch:
            client.insert(TABLE, pending, column_names=COLUMNS)
            pending.clear()

    started = time.perf_counter()
    sender = threading.Thread(target=produce, args=(bootstrap, topic, records), daemon=True)
    sender.start()
    drain(bootstrap, topic, len(records), land)
    if pending:
        client.insert(TABLE, pending, column_names=COLUMNS)
    elapsed = time.perf_counter() - started
    sender.join()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="simulated events to send (default 100,000)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per ClickHouse insert (the sink's default)")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    records = simulated_records(args.events)
    simulate_s = time.perf_counter() - started
    count = len(records)
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap, tempfile.TemporaryDirectory() as folder:
        topic = fresh_topic(bootstrap, "ceiling")
        produce_s = produce(bootstrap, topic, records)

        consumed: list[Any] = []
        consume_s = drain(bootstrap, topic, count, consumed.extend)
        started = time.perf_counter()
        rows = [row_of(message) for message in consumed]
        decode_s = time.perf_counter() - started

        with clickhouse_session(EmbeddedTarget(path=Path(folder) / "chdb")) as client:
            client.command(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
            client.command(DDL)
            insert_s = insert_rows(client, rows, args.batch)
            e2e_s = end_to_end(bootstrap, client, records, args.batch)
            landed = int(client.query(f"SELECT count() FROM {TABLE}").result_rows[0][0])

    if landed != 2 * count:
        raise SystemExit(f"expected {2 * count:,} rows in ClickHouse, found {landed:,}")
    print(f"\nceiling: {count:,} simulated events, batches of {args.batch:,} rows; {machine()}")
    stages: list[tuple[str, float]] = [
        ("simulate (not in the path)", simulate_s),
        ("produce -> Kafka (acks=all, lz4)", produce_s),
        ("consume <- Kafka (kafka-python)", consume_s),
        ("decode JSON -> rows", decode_s),
        ("insert -> chDB MergeTree", insert_s),
        ("stages in sequence (sum)", produce_s + consume_s + decode_s + insert_s),
        ("end to end, concurrent", e2e_s),
    ]
    print_table(("stage", "events", "seconds", "events/s"), [(name, count, s, count / s) for name, s in stages])
    print(f"\nsustained end to end: {count / e2e_s:,.0f} events/s")


if __name__ == "__main__":
    main()
