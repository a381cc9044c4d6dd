"""The whole Pantau pipeline as a benchmark drives it: a paced producer, `pantau worker`, the sink, chDB.

The producer and the sink run as threads of the benchmark process (as `pantau up --simulate` runs
them), the worker as its own process (as `pantau up` starts it). The sink's insert is wrapped: when
the INSERT of a `tickets` batch returns, every row in it is queryable (chDB inserts synchronously,
no async_insert), so that moment minus the time the ticket's ending event was handed to the producer
is the event-to-queryable latency of that ticket. Every 20th tickets batch one of its keys is read
back at once with a SELECT, so the claim "queryable when the insert returns" is checked, not assumed.
The sink's consumer is wrapped too: the Kafka timestamp of a ticket's row on the tickets topic is the
moment the worker handed it to its producer, which splits each latency into the worker's part and the
sink's. All stamps are wall-clock seconds (`time.time()`), as Kafka's timestamps are.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from clickhouse_connect.driver.client import Client

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulatedRecord
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes, routed_topics
from sinks.runner import sink_consumer, sink_group
from sinks.sink import ClickHouseSink, SinkLimits
from streams.app import app_id

ENDING_TYPES = (b'"service.completed"', b'"ticket.abandoned"')
KEY = "bench-pipeline-key"
CHECK_EVERY = 20  # tickets batches between read-back checks


def ending_key(payload: bytes) -> tuple[str, str] | None:
    """(office_id, ticket_id) when the event ends its ticket, so the worker emits the ticket's fact now."""
    if not any(kind in payload for kind in ENDING_TYPES):
        return None
    event = orjson.loads(payload)
    if event["type"] not in ("service.completed", "ticket.abandoned"):
        return None
    return str(event["office_id"]), str(event["ticket_id"])


@dataclass
class Sent:
    """A ticket-ending event handed to the producer, and when the worker emitted the ticket's row after it."""

    label: str
    at: float
    emitted_at: float | None = None


CLOCK_SLACK_S = 0.002
"""Kafka timestamps are whole milliseconds: a row emitted within this of the handoff still counts as after it."""


@dataclass
class Stamps:
    """Send times of ticket-ending events and, once landed, each ticket's latency (seconds) per label:
    to queryable (`latencies`) and, of that, to the worker's output (`to_worker_output`)."""

    label: str = "warm-up"
    sent: dict[tuple[str, str], Sent] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    to_worker_output: dict[str, list[float]] = field(default_factory=dict)
    checked: int = 0

    def emit(self, key: tuple[str, str], at: float) -> None:
        """The worker sent a row of ticket `key` at `at`: the first after the ending event's handoff counts."""
        stamp = self.sent.get(key)
        if stamp is not None and stamp.emitted_at is None and at >= stamp.at - CLOCK_SLACK_S:
            stamp.emitted_at = at

    def land(self, keys: list[tuple[str, str]], at: float) -> None:
        for key in keys:
            stamp = self.sent.pop(key, None)
            if stamp is None:
                continue
            self.latencies.setdefault(stamp.label, []).append(at - stamp.at)
            if stamp.emitted_at is not None:
                self.to_worker_output.setdefault(stamp.label, []).append(max(0.0, stamp.emitted_at - stamp.at))


class PacedProducer:
    """Publishes the simulated stream at a set rate (events/s) through Pantau's EventPublisher."""

    def __init__(self, settings: PantauSettings, records: Iterator[SimulatedRecord], stamps: Stamps) -> None:
        validator = EventValidator(load_catalog())
        self._publisher = EventPublisher(create_producer(settings), validator, settings.topic_prefix, "bench")
        self._records = records
        self._stamps = stamps
        self.sent = 0

    def offer(self, rate: float, seconds: float) -> float:
        """Send at `rate` for `seconds` (catching up in bursts every 10 ms); returns the rate achieved."""
        started = time.perf_counter()
        sent_before = self.sent
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(rate * elapsed) - (self.sent - sent_before)
            for record in itertools.islice(self._records, max(due, 0)):
                key = ending_key(record.payload)
                if key is not None:
                    self._stamps.sent[key] = Sent(self._stamps.label, time.time())
                self._publisher.publish(record.payload, str(self.sent))
                self.sent += 1
            time.sleep(0.01)
        self._publisher.flush()
        return (self.sent - sent_before) / (time.perf_counter() - started)

    def close(self) -> None:
        self._publisher.close()


class EmitStampingConsumer:
    """The sink's Kafka consumer, noting the Kafka timestamp of every tickets record it polls."""

    def __init__(self, consumer: Any, stamps: Stamps) -> None:
        self._consumer = consumer
        self._stamps = stamps

    def poll(self, *args: Any, **kwargs: Any) -> Any:
        polled = self._consumer.poll(*args, **kwargs)
        for partition, records in polled.items():
            if not partition.topic.endswith(".tickets"):
                continue
            for record in records:
                office, _, ticket = bytes(record.key or b"").decode().partition("|")
                self._stamps.emit((office, ticket), record.timestamp / 1000)
        return polled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._consumer, name)


class SinkThread(threading.Thread):
    """The ClickHouse sink landing every routed topic, with the tickets insert timed."""

    def __init__(self, settings: PantauSettings, client: Client, database: str, stamps: Stamps) -> None:
        super().__init__(name="bench-sink", daemon=True)
        self._client = client
        self._database = database
        self._stamps = stamps
        self._batches = 0
        self.stop_event = threading.Event()
        self.error: BaseException | None = None
        consumer = EmitStampingConsumer(sink_consumer(settings), stamps)
        routes = default_routes(settings.topic_prefix, EventValidator(load_catalog()), PrivacyFilter(KEY.encode()))
        limits = SinkLimits(settings.sink_max_batch, settings.sink_max_wait_s)
        self.sink = ClickHouseSink(consumer, client, database, routes, limits, insert=self._insert)

    def run(self) -> None:
        try:
            self.sink.run(self.stop_event)
        except BaseException as exc:  # reported by the benchmark, which stops
            self.error = exc
        finally:
            self.sink.close()

    def _insert(self, client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
        client.insert(table, rows, column_names=columns)
        if not table.endswith(".tickets"):
            return
        at = time.time()
        office, ticket = columns.index("office_id"), columns.index("ticket_id")
        self._stamps.land([(str(row[office]), str(row[ticket])) for row in rows], at)
        self._batches += 1
        if self._batches % CHECK_EVERY == 0:
            self._read_back(table, str(rows[-1][office]), str(rows[-1][ticket]))

    def _read_back(self, table: str, office: str, ticket: str) -> None:
        found = self._client.query(
            f"SELECT count() FROM {table} WHERE office_id = {{o:String}} AND ticket_id = {{t:String}}",
            parameters={"o": office, "t": ticket},
        ).result_rows[0][0]
        if found < 1:
            raise RuntimeError(f"ticket {office}/{ticket} was inserted but is not queryable")
        self._stamps.checked += 1


@dataclass(frozen=True)
class Progress:
    """Where the pipeline stands at one moment: events sent, consumed by the worker, landed by the sink."""

    at: float
    sent: int
    worker_lag: int
    worker_done: int
    sink_lag: int
    landed_events: int


class Pipeline:
    """Worker process, sink thread, paced producer and a lag probe on one topic prefix."""

    def __init__(self, settings: PantauSettings, client: Client, database: str, records: Iterator[SimulatedRecord],
                 log_dir: Path) -> None:
        self.settings = settings
        self.stamps = Stamps()
        self.worker = WorkerProcess(settings, log_dir / "worker.log", {
            "PANTAU_PSEUDONYM_KEY": KEY, "PANTAU_STREAM_GUARANTEE": settings.stream_guarantee})
        self.sink = SinkThread(settings, client, database, self.stamps)
        self.producer = PacedProducer(settings, records, self.stamps)
        self.probe = LagProbe(settings)
        self._log = log_dir / "worker.log"

    def start(self) -> None:
        self.worker.start()
        self.sink.start()

    def progress(self) -> Progress:
        """Lags from Kafka (the worker's committed offsets, the sink's), landed events from the sink."""
        self.check()
        prefix = self.settings.topic_prefix
        lag = self.probe.group_lag(app_id(prefix), [EVENTS.name(prefix)]).total
        sink_lag = self.probe.group_lag(sink_group(prefix), routed_topics(prefix)).total
        sent = self.producer.sent
        landed = self.sink.sink.stats.rows.get("events", 0)
        return Progress(time.perf_counter(), sent, lag, sent - lag, sink_lag, landed)

    def check(self) -> None:
        """Stop the benchmark if the worker or the sink died."""
        if self.worker.exit_code is not None:
            raise SystemExit(f"the worker exited with {self.worker.exit_code}:\n{self._log.read_text()[-3000:]}")
        if self.sink.error is not None:
            raise SystemExit(f"the sink failed: {self.sink.error!r}")

    def drain(self, timeout_s: float) -> float:
        """Wait until worker and sink have no lag; seconds waited (raises after `timeout_s`)."""
        started = time.perf_counter()
        while (now := self.progress()).worker_lag or now.sink_lag or now.landed_events < now.sent:
            if time.perf_counter() - started > timeout_s:
                raise SystemExit(f"the pipeline did not drain within {timeout_s:.0f} s: {now}")
            time.sleep(0.5)
        return time.perf_counter() - started

    def stop(self) -> None:
        self.producer.close()
        self.sink.stop_event.set()
        self.sink.join(60)
        self.worker.stop()
        self.probe.close()
