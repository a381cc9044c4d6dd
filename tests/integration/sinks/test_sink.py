"""The ClickHouse sink against the real broker and the real embedded engine."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka import topics
from pantau.kafka.admin import ensure_topics
from pantau.kafka.topics import topic_names
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes
from sinks.sink import ClickHouseSink, SinkLimits

pytestmark = pytest.mark.integration
KEY = b"test-pseudonym-key"


def ticket_fact(n: int, version: int = 1, wait_s: float = 600.0) -> dict[str, Any]:
    return {
        "office_id": "MPP-JKT-01",
        "ticket_id": f"T{n}",
        "service_code": "KTP",
        "priority_group": "",
        "channel": "walk_in",
        "counter_id": "L01",
        "issued_at": "2026-11-02T01:00:00.000+00:00",
        "called_at": None,
        "started_at": "2026-11-02T01:10:00+00:00",
        "ended_at": "2026-11-02T01:20:00Z",
        "wait_s": wait_s,
        "service_s": 600.0,
        "outcome": "served",
        "target_wait_s": 1800.0,
        "wait_breached": 0,
        "_version": version,
    }


def complaint_event(n: int) -> dict[str, Any]:
    return {
        "event_id": f"c-{n}",
        "type": "complaint.filed",
        "office_id": "MPP-JKT-01",
        "v": 1,
        "occurred_at": "2026-11-02T09:00:00+07:00",
        "complaint_id": f"C{n}",
        "category": "waktu",
        "reporter_nik": "3171234567890123",
        "text": "NIK saya 3171234567890123, hubungi 0812-3456-7890",
    }


@pytest.fixture
def prefix(kafka_bootstrap: str) -> str:
    name = f"sink{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(name), partitions=3)
    return name


def make_sink(bootstrap: str, prefix: str, client: Client, database: str, **kwargs: Any) -> ClickHouseSink:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"{prefix}-sink",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    routes = default_routes(prefix, EventValidator(load_catalog()), PrivacyFilter(KEY))
    return ClickHouseSink(consumer, client, database, routes, SinkLimits(max_batch=500, max_wait_s=0.2), **kwargs)


def send(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for value in values:
        producer.send(topic, key=b"k", value=value)
    producer.flush()
    producer.close()


def drain(sink: ClickHouseSink, expected: int, timeout_s: float = 90.0) -> None:
    """Run the sink until it has consumed `expected` messages; joining the group can take seconds on a busy machine."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sink.run_once()
        if sink.stats.consumed >= expected:
            return
    raise AssertionError(f"consumed {sink.stats.consumed} of {expected}")


def test_facts_land_once_per_key_and_raw_events_are_pseudonymized(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    facts = [ticket_fact(n) for n in range(20)] + [ticket_fact(3), ticket_fact(4, version=2, wait_s=2000.0)]
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(f) for f in facts])
    send(kafka_bootstrap, topics.EVENTS.name(prefix), [orjson.dumps(complaint_event(1)), b"{bad"])
    send(
        kafka_bootstrap,
        topics.DEAD_LETTERS.name(prefix),
        [
            orjson.dumps(
                {
                    "source": "file:x.jsonl",
                    "position": "7",
                    "raw": "{bad",
                    "reason": "invalid_json",
                    "reason_code": "invalid_json",
                    "office_id": "",
                    "received_at": "2026-11-02T02:00:00+00:00",
                }
            )
        ],
    )
    send(kafka_bootstrap, topics.IKM.name(prefix), [b"[not an object]"])
    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)

    drain(sink, expected=len(facts) + 4)
    sink._consumer.close()

    db = migrated_database
    assert clickhouse.query(f"SELECT count() FROM {db}.tickets FINAL").result_rows == [(20,)]
    assert clickhouse.query(f"SELECT wait_s FROM {db}.tickets FINAL WHERE ticket_id = 'T4'").result_rows == [(2000.0,)]
    [(payload,)] = clickhouse.query(f"SELECT payload FROM {db}.events FINAL").result_rows
    assert "3171234567890123" not in payload and "0812-3456-7890" not in payload
    assert orjson.loads(payload)["reporter_ref"].startswith("nik_")
    reasons = clickhouse.query(f"SELECT source, reason_code FROM {db}.dead_letters FINAL ORDER BY source").result_rows
    assert reasons == [("file:x.jsonl", "invalid_json"), (f"kafka:{topics.IKM.name(prefix)}", "unreadable_fact")]
    assert sink.stats.skipped_invalid_raw == 1  # the worker dead-letters invalid raw events, not the sink


def test_insert_failures_are_retried_without_loss_or_duplicates(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(ticket_fact(n)) for n in range(50)])
    failures = {"left": 3}

    def flaky_insert(client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("injected: ClickHouse unavailable")
        client.insert(table, rows, column_names=columns)

    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database, insert=flaky_insert)
    sink._limits = SinkLimits(max_batch=500, max_wait_s=0.2, backoff_start_s=0.01, backoff_max_s=0.05)
    drain(sink, expected=50)
    sink._consumer.close()
    assert sink.stats.insert_retries == 3
    assert clickhouse.query(f"SELECT count(), uniqExact(ticket_id) FROM {migrated_database}.tickets").result_rows == [
        (50, 50)
    ]


def test_a_batch_inserted_but_not_committed_is_landed_again_without_doubling(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(ticket_fact(n)) for n in range(30)])
    crashed = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)
    crashed._consumer.commit = lambda offsets=None: (_ for _ in ()).throw(RuntimeError("crash before commit"))
    deadline = time.monotonic() + 90
    with pytest.raises(RuntimeError):
        while time.monotonic() < deadline:
            crashed.run_once()
    crashed._consumer.close(autocommit=False)

    restarted = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)
    drain(restarted, expected=30)
    restarted._consumer.close()
    rows = clickhouse.query(f"SELECT count() FROM {migrated_database}.tickets FINAL").result_rows
    assert rows == [(30,)]


def test_run_stops_when_asked(kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str) -> None:
    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)
    stop = threading.Event()
    thread = threading.Thread(target=sink.run, args=(stop,))
    thread.start()
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    sink._consumer.close()


class ShrinkingAssignment:
    """A consumer whose group took one partition away between the poll and the commit."""

    def __init__(self, kept: Any) -> None:
        self.kept = kept
        self.committed: dict[Any, Any] = {}

    def subscribe(self, topics: list[str]) -> None:
        pass

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0}  # every topic known: the sink's metadata wait passes at once

    def assignment(self) -> set[Any]:
        return {self.kept}

    def position(self, partition: Any) -> int:
        if partition != self.kept:
            raise AssertionError("asked the position of a partition no longer assigned")
        return 7

    def commit(self, offsets: dict[Any, Any]) -> None:
        self.committed.update(offsets)


def test_a_commit_skips_partitions_taken_away_since_the_poll(clickhouse: Client, migrated_database: str) -> None:
    """Seen at Ctrl-C of `pantau up`: the sink thread died on `position()` of a partition it no longer held."""
    kept, lost = TopicPartition("p.tickets", 0), TopicPartition("p.tickets", 1)
    consumer = ShrinkingAssignment(kept)
    routes = default_routes("p", EventValidator(load_catalog()), PrivacyFilter(KEY))
    sink = ClickHouseSink(consumer, clickhouse, migrated_database, routes)  # type: ignore[arg-type]
    record = type("Record", (), {"offset": 4})()

    assert sink._commit({kept: [record], lost: [record]}, None)
    assert {tp: meta.offset for tp, meta in consumer.committed.items()} == {kept: 7}, "the kept one only"


def test_a_batch_spanning_150_months_lands_and_the_next_office_still_lands(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    """A backfill from 2014 on gives window rows over 150 months in one batch (ClickHouse takes at most 100
    partitions per INSERT block); the batch used to fail every insert, for every office, forever."""
    windows = [
        {
            "office_id": "MPP-JKT-01",
            "service_code": "KTP",
            "window_start": f"{2014 + month // 12}-{month % 12 + 1:02d}-03T01:00:00+00:00",
            "window_s": 3600,
            "served": 1,
            "abandoned": 0,
            "breaches": 0,
            "complaints": 0,
            "_version": 1,
        }
        for month in range(150)
    ]
    send(kafka_bootstrap, topics.WINDOW_METRICS.name(prefix), [orjson.dumps(w) for w in windows])
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(ticket_fact(1))])  # another office's row
    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)

    drain(sink, 151)

    db = migrated_database
    landed = clickhouse.query(
        f"SELECT count(), uniqExact(toYYYYMM(window_start)) FROM {db}.window_metrics FINAL"
    ).result_rows
    assert landed == [(150, 150)]
    assert clickhouse.query(f"SELECT count() FROM {db}.tickets FINAL").result_rows == [(1,)]
    assert sink.stats.insert_retries == 0


def test_rows_clickhouse_refuses_are_set_aside_as_dead_letters_and_the_rest_lands(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    """A fact with a value its column cannot hold (any producer with topic access can write one) used to fail
    every insert of its batch, forever: nothing landed for any office, also after a restart."""
    facts = [ticket_fact(n) for n in range(40)]
    facts[7]["wait_breached"] = 300  # UInt8
    facts[31]["_version"] = -5  # UInt64
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(fact) for fact in facts])
    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database)
    sink._limits = SinkLimits(max_batch=500, max_wait_s=0.2, backoff_start_s=0.01, backoff_max_s=0.05)

    drain(sink, expected=40)
    assert sink.run_once() == 0, "the batch is committed: nothing is consumed again"
    sink._consumer.close()

    db = migrated_database
    landed = clickhouse.query(f"SELECT ticket_id FROM {db}.tickets FINAL ORDER BY ticket_id").result_rows
    assert sorted(ticket for (ticket,) in landed) == sorted(f"T{n}" for n in range(40) if n not in (7, 31))
    letters = clickhouse.query(
        f"SELECT reason_code, reason, raw, office_id FROM {db}.dead_letters FINAL ORDER BY position"
    ).result_rows
    assert sorted((code, orjson.loads(raw)["ticket_id"], office) for code, _, raw, office in letters) == [
        ("refused_by_clickhouse", "T31", "MPP-JKT-01"),
        ("refused_by_clickhouse", "T7", "MPP-JKT-01"),
    ]
    assert all("tickets" in reason for _, reason, _, _ in letters)
    assert sink.stats.rows_set_aside == 2 and sink.stats.rows["tickets"] == 38
    assert sink.stats.insert_retries == SinkLimits().refused_retries, "refusals are retried a bounded number of times"


def test_an_outage_is_never_mistaken_for_refused_rows(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(ticket_fact(n)) for n in range(10)])
    failures = {"left": 6}

    def unavailable(client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("injected: connection refused")
        client.insert(table, rows, column_names=columns)

    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database, insert=unavailable)
    sink._limits = SinkLimits(max_batch=500, max_wait_s=0.2, backoff_start_s=0.01, backoff_max_s=0.02)
    drain(sink, expected=10)
    sink._consumer.close()
    db = migrated_database
    assert clickhouse.query(f"SELECT count() FROM {db}.tickets FINAL").result_rows == [(10,)]
    assert clickhouse.query(f"SELECT count() FROM {db}.dead_letters").result_rows == [(0,)]
    assert sink.stats.rows_set_aside == 0 and sink.stats.insert_retries == 6


class OneRecordPerPoll:
    """The real consumer, handing out one record per poll: a steady trickle, as under a live stream."""

    def __init__(self, consumer: KafkaConsumer) -> None:
        self._consumer = consumer
        self.polls = 0

    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> Any:
        self.polls += 1
        return self._consumer.poll(timeout_ms=timeout_ms, max_records=1)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._consumer, name)


def test_a_trickle_is_gathered_into_one_batch_for_up_to_max_wait(
    kafka_bootstrap: str, prefix: str, clickhouse: Client, migrated_database: str
) -> None:
    """kafka-python's poll returns as soon as a record is there; one insert per table per trickled record
    kept the sink at about a core at 100 events/s. The batch now fills for `max_wait_s`."""
    send(kafka_bootstrap, topics.TICKETS.name(prefix), [orjson.dumps(ticket_fact(n)) for n in range(40)])
    inserts: list[int] = []

    def counted_insert(client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
        inserts.append(len(rows))
        client.insert(table, rows, column_names=columns)

    sink = make_sink(kafka_bootstrap, prefix, clickhouse, migrated_database, insert=counted_insert)
    sink._limits = SinkLimits(max_batch=25, max_wait_s=5.0)
    trickle = OneRecordPerPoll(sink._consumer)
    sink._consumer = trickle  # type: ignore[assignment]

    drain(sink, 40)

    assert inserts[:1] == [25], "the first batch filled to max_batch, one record per poll"
    assert sum(inserts) == 40 and trickle.polls >= 40
    assert clickhouse.query(f"SELECT count() FROM {migrated_database}.tickets FINAL").result_rows == [(40,)]
