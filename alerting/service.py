"""`pantau alerts run`: the Kafka shell around the engine (kafka-python, group `<prefix>-alerting`).

One loop: poll events, complaint rows and commands; evaluate on every batch and every tick; publish
each transition (alerts row to `<prefix>.alerts`, alert_events row to `<prefix>.alert-events`); flush;
only then hand notifications to the dispatcher and commit the consumed offsets. A crash between flush
and commit re-reads input whose alerts are already known (same dedup keys), so nothing pages twice;
a crash before flush loses nothing because nothing was committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from alerting.channels import Dispatcher
from alerting.commands import commands_topic
from alerting.engine import AlertEngine, EngineOutput
from alerting.errors import UnknownAlertError
from alerting.model import Transition
from alerting.recovery import latest_rows, read_range, read_topic
from pantau.contract import DeadLetter, EventValidator
from pantau.kafka import topics
from pantau.kafka.admin import ensure_topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.kafka.metadata_wait import await_topic_metadata
from pantau.settings import PantauSettings

Clock = Callable[[], datetime]
LOG = logging.getLogger("pantau.alerting")


def system_clock() -> datetime:
    return datetime.now(UTC)


class AlertService:
    """Consumes, evaluates, publishes, notifies; `clock=None` runs on event time only (replays)."""

    def __init__(
        self,
        settings: PantauSettings,
        engine: AlertEngine,
        dispatcher: Dispatcher,
        clock: Clock | None = system_clock,
        on_published: Callable[[list[Transition]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.dispatcher = dispatcher
        self.clock = clock
        self.prefix = settings.topic_prefix
        self.validator = EventValidator(engine.catalog, settings.future_tolerance)
        self._on_published = on_published
        self.ready = threading.Event()  # set once recovery is done and the loop consumes
        self._connection = kafka_connection_config(settings)
        self._events = topics.EVENTS.name(self.prefix)
        self._complaints = topics.COMPLAINTS.name(self.prefix)
        self._commands = commands_topic(self.prefix)

    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set."""
        inputs = [self._events, self._complaints, self._commands]
        outputs = [topics.ALERTS.name(self.prefix), topics.ALERT_EVENTS.name(self.prefix)]
        ensure_topics(self.settings.bootstrap_servers, inputs + outputs, self.settings.kafka_partitions)
        consumer = self._consumer(group_id=f"{self.prefix}-alerting", enable_auto_commit=False)
        producer = KafkaProducer(**self._connection, acks="all", linger_ms=0)
        try:
            self._recover(consumer)
            await_topic_metadata(consumer, inputs)
            consumer.subscribe(inputs)
            self.ready.set()
            self._loop(consumer, producer, stop)
        finally:
            producer.flush()
            producer.close()
            consumer.close()
            self.dispatcher.close(wait=True)

    def _loop(self, consumer: KafkaConsumer, producer: KafkaProducer, stop: threading.Event) -> None:
        tick_s = self.settings.alert_tick_s
        next_tick = 0.0
        while not stop.is_set():
            batch = consumer.poll(timeout_ms=int(min(tick_s, 0.2) * 1000), max_records=1000)
            output = EngineOutput()
            for records in batch.values():
                for record in records:
                    output.extend(self._handle(record.topic, record.value))
            if batch or time.monotonic() >= next_tick:
                output.extend(self.engine.evaluate(self._wall()))
                next_tick = time.monotonic() + tick_s
            output.transitions += self._deliveries()
            if output.transitions:
                self._publish(producer, output.transitions)
            for notification in output.notifications:
                started = self.dispatcher.submit(
                    notification.alert_id, notification.kind, notification.contacts, notification.message
                )
                LOG.info("alert %s: %s to %d deliveries", notification.alert_id, notification.kind, started)
            if batch:
                consumer.commit()
        # Deliveries under way finish (bounded by their retries) and land in the history before we stop.
        self.dispatcher.close(wait=True)
        last = self._deliveries()
        if last:
            self._publish(producer, last)

    def _handle(self, topic: str, value: bytes | None) -> EngineOutput:
        if value is None:
            return EngineOutput()
        if topic == self._events:
            # Received now, by this service's clock (the wall clock, or a test's): a backlog read
            # after a restart, or a replay, arrives long after it occurred and counts as history.
            received_at = self._wall()
            event = self.validator.validate(value, received_at=received_at)
            if not isinstance(event, DeadLetter):  # the stream worker dead-letters it; we just skip it
                self.engine.apply_event(event, received_at)
        elif topic == self._complaints:
            row = _json_object(value)
            if row is not None:
                self.engine.apply_complaint_row(row)
        elif topic == self._commands:
            command = _json_object(value)
            if command is not None:
                try:
                    return self.engine.command(command, self._wall() or datetime.now(UTC))
                except UnknownAlertError as exc:
                    LOG.warning("ignored command: %s", exc)
        return EngineOutput()

    def _deliveries(self) -> list[Transition]:
        changes = []
        for result in self.dispatcher.drain():
            state = "delivered" if result.ok else "delivery_failed"
            detail = f"{result.kind} via {result.channel} to {result.contact_id} after {result.attempts} attempt(s)"
            if result.error:
                detail += f": {result.error}"
                LOG.warning("alert %s: %s", result.alert_id, detail)
            change = self.engine.delivery(result.alert_id, state, detail, result.at)
            if change is not None:
                changes.append(change)
        return changes

    def _publish(self, producer: KafkaProducer, transitions: list[Transition]) -> None:
        alerts, events = topics.ALERTS.name(self.prefix), topics.ALERT_EVENTS.name(self.prefix)
        for change in transitions:
            key = str(change.alert["alert_id"]).encode()
            producer.send(alerts, key=key, value=orjson.dumps(change.alert))
            producer.send(events, key=key, value=orjson.dumps(change.event))
        producer.flush()
        if self._on_published is not None:
            self._on_published(transitions)

    def _recover(self, consumer: KafkaConsumer) -> None:
        factory = partial(self._consumer)
        restored = self.engine.book.restore(latest_rows(read_topic(factory, topics.ALERTS.name(self.prefix))))
        ends: dict[TopicPartition, int] = {}
        for topic in (self._events, self._complaints):
            for partition in consumer.partitions_for_topic(topic) or ():
                tp = TopicPartition(topic, partition)
                committed = consumer.committed(tp)
                if committed:
                    ends[tp] = committed
        since_ms = int((time.time() - self.settings.alert_lookback_h * 3600) * 1000)
        replayed = 0
        for topic, _, value in read_range(factory, since_ms, ends):
            self._handle(topic, value)
            replayed += 1
        LOG.info("recovered %d alerts and %d input records", restored, replayed)

    def _consumer(self, **overrides: Any) -> KafkaConsumer:
        config: dict[str, Any] = {**self._connection, "auto_offset_reset": "earliest", **overrides}
        return KafkaConsumer(**config)

    def _wall(self) -> datetime | None:
        return self.clock() if self.clock is not None else None


def _json_object(value: bytes) -> dict[str, Any] | None:
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None
