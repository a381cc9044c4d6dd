"""The ClickHouse sink under failure: kill -9 mid-stream, failing inserts, a Kafka broker restart.

Each test feeds a simulated office day through producers.publisher (valid events to the events topic,
refused ones to the dead-letter topic; the sink lands both, see sinks/routes.py), so no stream worker
is needed. The reference is the input itself: afterwards `events FINAL` holds every valid event once per
(office_id, event_id) and `dead_letters FINAL` every refused line once per (source, position), nothing
more, and the sink's group has committed everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import OperationalError
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaConnectionError, NodeNotReadyError

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.admin import ensure_topics
from pantau.kafka.broker import LocalBroker
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import DEAD_LETTERS, EVENTS, topic_names
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulationOptions, simulate
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes
from sinks.runner import build_sink, sink_consumer, sink_group
from sinks.sink import ClickHouseSink, SinkLimits
from tests.conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.integration
CATALOG = load_catalog()
KEY = "reliability-sink-key"
SOURCE = "file:reliability.jsonl"

EventKey = tuple[str, str, str]  # office_id, event_id, type
DeadLetterKey = tuple[str, str]  # source, position


@dataclass(frozen=True)
class Feed:
    """Raw messages in publishing order and the rows they must leave in ClickHouse."""

    payloads: list[bytes]
    events: set[EventKey]
    dead_letters: set[DeadLetterKey]


def simulated_feed(offices: int = 1, seed: int = 8) -> Feed:
    """A simulated office day with out-of-order, duplicate and invalid lines; expectations from the simulator."""
    options = SimulationOptions(
        offices=offices, days=1, seed=seed, start=date(2026, 11, 2), out_of_order=0.03, duplicates=0.03, invalid=0.03
    )
    records = list(simulate(CATALOG, options))
    events: set[EventKey] = set()
    dead_letters: set[DeadLetterKey] = set()
    for position, record in enumerate(records):
        if record.valid_expected:
            event = orjson.loads(record.payload)
            events.add((event["office_id"], event["event_id"], event["type"]))
        else:
            dead_letters.add((SOURCE, str(position)))
    assert len(events) > 1000 and dead_letters, "the feed must be big enough to need many batches"
    return Feed([record.payload for record in records], events, dead_letters)


def publish(settings: PantauSettings, payloads: list[bytes], first_position: int = 0) -> None:
    """Validate-then-send as every Pantau source does; raises if Kafka did not acknowledge every message."""
    publisher = EventPublisher(create_producer(settings), EventValidator(CATALOG), settings.topic_prefix, SOURCE)
    for position, payload in enumerate(payloads, start=first_position):
        publisher.publish(payload, str(position))
    publisher.close()


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.05) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def landed_topics(prefix: str) -> list[str]:
    return [EVENTS.name(prefix), DEAD_LETTERS.name(prefix)]


def assert_landed_exactly(feed: Feed, events: Sequence[Sequence[Any]], dead_letters: Sequence[Sequence[Any]]) -> None:
    """Rows read with FINAL: one per key, and exactly the keys the input asks for."""
    event_keys = [(str(office), str(event_id), str(kind)) for office, event_id, kind in events]
    letter_keys = [(str(source), str(position)) for source, position in dead_letters]
    assert len(event_keys) == len(set(event_keys)), "an event appears twice after FINAL"
    assert len(letter_keys) == len(set(letter_keys)), "a dead letter appears twice after FINAL"
    assert set(event_keys) == feed.events, (
        f"missing {len(feed.events - set(event_keys))}, unexpected {len(set(event_keys) - feed.events)}"
    )
    assert set(letter_keys) == feed.dead_letters


# -- kill -9 of the `pantau sink` process ---------------------------------------------------------------


class SinkProcess:
    """`pantau sink` as a child process with its own topic prefix and its own embedded ClickHouse."""

    def __init__(self, env: dict[str, str], log_file: Path) -> None:
        self._env = env
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self._log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pantau", "sink"],
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def assert_running(self) -> None:
        assert self._process is not None and self._process.poll() is None, self.log_tail()

    def kill(self) -> None:
        """SIGKILL: no batch is finished, no offset committed, no engine closed."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(30)

    def stop(self) -> int:
        """SIGTERM: the sink finishes its batch and leaves; returns the exit status."""
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        return self._process.wait(60)

    def ensure_stopped(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(30)

    def log_tail(self) -> str:
        return self._log_file.read_text(errors="replace")[-3000:] if self._log_file.exists() else "(no log)"


def pantau_sql(env: dict[str, str], query: str) -> list[tuple[Any, ...]]:
    """Rows of `pantau sql --format json`: this process already holds the test run's chDB engine, and chDB
    allows one per process, so the sink's own store is read by a child process."""
    result = subprocess.run(
        [sys.executable, "-m", "pantau", "sql", "--format", "json", query],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return [tuple(row.values()) for row in orjson.loads(result.stdout)]


def test_a_sink_killed_mid_stream_resumes_without_loss_or_duplicates(kafka_bootstrap: str, tmp_path: Path) -> None:
    prefix = f"kill{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=3)
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    feed = simulated_feed()
    publish(settings, feed.payloads)
    env = {
        **os.environ,
        "PANTAU_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "PANTAU_TOPIC_PREFIX": prefix,
        "PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'clickhouse'}",
        "PANTAU_PSEUDONYM_KEY": KEY,
        "PANTAU_STATE_DIR": str(tmp_path / "state"),
        # Small batches, so a kill lands between many insert-then-commit steps, not after the last one.
        "PANTAU_SINK_MAX_BATCH": "40",
        "PANTAU_SINK_MAX_WAIT_S": "0.1",
        # The feed's dates are fixed; without this, the events TTL would expire them once the calendar
        # moves on, and the test would fail for the wrong reason.
        "PANTAU_CLICKHOUSE_EVENTS_TTL_DAYS": "0",
    }
    total = len(feed.payloads)
    probe = LagProbe(settings)
    sink = SinkProcess(env, tmp_path / "sink.log")

    def committed() -> int:
        return total - probe.group_lag(sink_group(prefix), landed_topics(prefix)).total

    try:
        sink.start()

        def progressed() -> bool:
            sink.assert_running()
            return committed() > 0

        wait_for(progressed, 120, "the sink to commit a batch")
        sink.kill()
        landed_at_kill = committed()
        sink.start()

        def all_committed() -> bool:
            sink.assert_running()
            return committed() == total

        wait_for(all_committed, 120, "the restarted sink to commit every message")
        assert sink.stop() == 0, sink.log_tail()
    finally:
        sink.ensure_stopped()
        probe.close()

    # The kill came while messages were still to be landed: the restart had work to resume.
    assert 0 < landed_at_kill < total, landed_at_kill
    rows = pantau_sql(
        env,
        "SELECT 'event', office_id, event_id, type FROM pantau.events FINAL "
        "UNION ALL SELECT 'dead letter', source, position, '' FROM pantau.dead_letters FINAL",
    )
    events = [row[1:] for row in rows if row[0] == "event"]
    dead_letters = [row[1:3] for row in rows if row[0] == "dead letter"]
    assert_landed_exactly(feed, events, dead_letters)


# -- insert failures at the clickhouse-connect client ---------------------------------------------------


@dataclass
class FlakyClient:
    """The sink's clickhouse-connect client with failures injected into `insert`.

    Every `fail_every`-th insert raises before anything is written (ClickHouse unreachable); every
    `lost_ack_every`-th one writes and then raises (the answer was lost), so the retry writes the
    same rows again. `landed` holds the identity of every row whose insert the sink saw succeed.
    """

    client: Client
    fail_every: int = 3
    lost_ack_every: int = 7
    calls: int = 0
    failures: int = 0
    landed: set[tuple[str, str, str]] = field(default_factory=set)

    def insert(self, table: str, data: list[list[Any]], column_names: list[str], **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls % self.fail_every == 0:
            self.failures += 1
            raise OperationalError(f"injected: insert {self.calls} into {table} refused")
        summary = self.client.insert(table, data, column_names=column_names, **kwargs)
        if self.calls % self.lost_ack_every == 0:
            self.failures += 1
            raise OperationalError(f"injected: insert {self.calls} into {table} written, answer lost")
        source, position = column_names.index("source"), column_names.index("position")
        self.landed.update((table.rsplit(".", 1)[-1], str(row[source]), str(row[position])) for row in data)
        return summary

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def row_identities(bootstrap: str, prefix: str) -> dict[tuple[str, int, int], tuple[str, str, str]]:
    """(topic, partition, offset) -> (table, source, position) of the row each message must become.

    Read from the topics themselves, so the commit check below knows which rows an offset stands for.
    """
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in landed_topics(prefix)
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        identities = {}
        for message in consumer:
            if message.topic == EVENTS.name(prefix):
                identity = ("events", f"kafka:{message.topic}", f"{message.partition}/{message.offset}")
            else:
                letter = orjson.loads(message.value)
                identity = ("dead_letters", letter["source"], letter["position"])
            identities[(message.topic, message.partition, message.offset)] = identity
        return identities
    finally:
        consumer.close()


def test_insert_failures_at_the_client_end_with_the_same_tables_and_commits_only_after_success(
    kafka_bootstrap: str, clickhouse: Client, migrated_database: str
) -> None:
    prefix = f"flaky{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=3)
    feed = simulated_feed(seed=11)
    publish(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix), feed.payloads)
    identities = row_identities(kafka_bootstrap, prefix)
    assert len(identities) == len(feed.payloads)

    flaky = FlakyClient(clickhouse)
    consumer = sink_consumer(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix))
    commits: list[dict[TopicPartition, OffsetAndMetadata]] = []
    real_commit = consumer.commit

    def checked_commit(offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        # Every message below a committed offset must already be a row the sink saw land.
        for partition, mark in offsets.items():
            for offset in range(mark.offset):
                identity = identities[(partition.topic, partition.partition, offset)]
                assert identity in flaky.landed, f"offset {offset} of {partition} committed before its row landed"
        commits.append(offsets)
        real_commit(offsets)

    consumer.commit = checked_commit
    routes = default_routes(prefix, EventValidator(CATALOG), PrivacyFilter(KEY.encode()))
    limits = SinkLimits(max_batch=100, max_wait_s=0.1, backoff_start_s=0.001, backoff_max_s=0.01)
    sink = ClickHouseSink(consumer, cast(Client, flaky), migrated_database, routes, limits)
    deadline = time.monotonic() + 120
    try:
        while sink.stats.consumed < len(feed.payloads):
            assert time.monotonic() < deadline, f"landed {sink.stats.consumed} of {len(feed.payloads)}"
            sink.run_once()
    finally:
        sink.close()

    assert flaky.failures >= 10 and sink.stats.insert_retries == flaky.failures
    assert len(commits) >= 10
    db = migrated_database
    events = clickhouse.query(f"SELECT office_id, event_id, type FROM {db}.events FINAL").result_rows
    dead_letters = clickhouse.query(f"SELECT source, position FROM {db}.dead_letters FINAL").result_rows
    assert_landed_exactly(feed, events, dead_letters)
    probe = LagProbe(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix))
    try:
        assert probe.group_lag(sink_group(prefix), landed_topics(prefix)).total == 0
    finally:
        probe.close()


def test_a_commit_refused_while_kafka_is_away_is_retried_not_fatal(
    kafka_bootstrap: str, clickhouse: Client, migrated_database: str
) -> None:
    prefix = f"commit{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=3)
    feed = simulated_feed(seed=12)
    publish(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix), feed.payloads[:300])
    consumer = sink_consumer(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix))
    refusals = iter([KafkaConnectionError("injected: broker restarting"), NodeNotReadyError("injected: node 1")])
    real_commit = consumer.commit

    def commit_after_an_outage(offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        refusal = next(refusals, None)
        if refusal is not None:
            raise refusal
        real_commit(offsets)

    consumer.commit = commit_after_an_outage
    routes = default_routes(prefix, EventValidator(CATALOG), PrivacyFilter(KEY.encode()))
    limits = SinkLimits(max_batch=500, max_wait_s=0.1, backoff_start_s=0.001, backoff_max_s=0.01)
    sink = ClickHouseSink(consumer, clickhouse, migrated_database, routes, limits)
    deadline = time.monotonic() + 60
    try:
        while sink.stats.consumed < 300:
            assert time.monotonic() < deadline, f"landed {sink.stats.consumed} of 300"
            sink.run_once()
    finally:
        sink.close()

    assert sink.stats.commit_retries == 2
    probe = LagProbe(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix))
    try:
        assert probe.group_lag(sink_group(prefix), landed_topics(prefix)).total == 0
    finally:
        probe.close()


# -- a Kafka broker restart -----------------------------------------------------------------------------


@pytest.fixture
def private_broker(tmp_path: Path) -> Iterator[LocalBroker]:
    """A broker of this test alone, on free ports, so stopping it disturbs no other test."""
    broker = LocalBroker(
        home=tmp_path / "kafka",
        port=free_port(),
        controller_port=free_port(),
        partitions=3,
        heap="384m",
        libs_dir=REPO_ROOT / ".pantau" / "kafka" / "libs",
    )
    broker.start(timeout_s=180)
    try:
        yield broker
    finally:
        broker.stop()


class PacedPublisher(threading.Thread):
    """Publishes the feed in chunks, each once the sink has landed most of the one before.

    The pacing keeps publishing going for the whole run, so the broker restart hits a producer and
    the sink both in the middle of their work.
    """

    def __init__(self, settings: PantauSettings, feed: Feed, landed: Callable[[], int], chunk: int = 150) -> None:
        super().__init__(name="paced-publisher", daemon=True)
        self._settings = settings
        self._feed = feed
        self._landed = landed
        self._chunk = chunk
        self.published = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            publisher = EventPublisher(
                create_producer(self._settings), EventValidator(CATALOG), self._settings.topic_prefix, SOURCE
            )
            try:
                for start in range(0, len(self._feed.payloads), self._chunk):
                    # Unbounded: during the restart the sink lands nothing, and that is the point.
                    while self._landed() < self.published - self._chunk:
                        time.sleep(0.02)
                    for position, payload in enumerate(self._feed.payloads[start : start + self._chunk], start):
                        publisher.publish(payload, str(position))
                    publisher.flush(timeout_s=120)
                    self.published += len(self._feed.payloads[start : start + self._chunk])
            finally:
                publisher.close()
        except BaseException as exc:  # reported by the test
            self.error = exc


def test_a_broker_restart_mid_stream_ends_with_complete_tables(
    private_broker: LocalBroker, clickhouse: Client, migrated_database: str
) -> None:
    prefix = f"restart{uuid.uuid4().hex[:8]}"
    bootstrap = private_broker.bootstrap
    ensure_topics(bootstrap, topic_names(prefix), partitions=3)
    settings = PantauSettings(
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        pseudonym_key=KEY,
        sink_max_batch=200,
        sink_max_wait_s=0.1,
        clickhouse_events_ttl_days=0,  # fixed dates: see the kill test
    )
    feed = simulated_feed(seed=5)
    sink = build_sink(settings, clickhouse, migrated_database)  # the consumer exactly as `pantau sink` builds it
    stop = threading.Event()
    sink_error: list[BaseException] = []

    def run_sink() -> None:
        try:
            sink.run(stop)
        except BaseException as exc:  # reported by the test
            sink_error.append(exc)

    sink_thread = threading.Thread(target=run_sink, name="sink", daemon=True)
    publisher = PacedPublisher(settings, feed, lambda: sink.stats.consumed)
    sink_thread.start()
    publisher.start()
    try:

        def healthy_and(condition: Callable[[], bool]) -> Callable[[], bool]:
            def check() -> bool:
                assert not sink_error, repr(sink_error)
                assert publisher.error is None, repr(publisher.error)
                return condition()

            return check

        wait_for(healthy_and(lambda: sink.stats.consumed >= len(feed.payloads) // 3), 120, "a third landed")
        private_broker.stop()
        landed_while_down = sink.stats.consumed
        private_broker.start(timeout_s=180)
        assert landed_while_down < len(feed.payloads), "the restart must come mid-stream"

        wait_for(healthy_and(lambda: not publisher.is_alive()), 240, "the publisher to send everything")
        probe = LagProbe(settings)
        try:
            wait_for(
                healthy_and(lambda: probe.group_lag(sink_group(prefix), landed_topics(prefix)).total == 0),
                120,
                "the sink to commit every message",
                interval_s=0.2,
            )
        finally:
            probe.close()
    finally:
        stop.set()
        sink_thread.join(60)
        sink.close()
        publisher.join(60)

    assert not sink_error and publisher.error is None
    db = migrated_database
    events = clickhouse.query(f"SELECT office_id, event_id, type FROM {db}.events FINAL").result_rows
    dead_letters = clickhouse.query(f"SELECT source, position FROM {db}.dead_letters FINAL").result_rows
    assert_landed_exactly(feed, events, dead_letters)
