"""Which topic lands in which table, and how one Kafka message becomes one row (a dict of columns).

Fact topics written by the stream worker carry the row itself as JSON (with `_version`). The raw events
topic carries offices' events as sent: the sink keeps valid ones in `events` with personal data
pseudonymized and redacted; invalid ones are dead-lettered by the stream worker, not here, so each bad
event is dead-lettered once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from pantau.contract import DeadLetter, EventValidator
from pantau.kafka import topics
from pantau.privacy import redact_text
from sinks.privacy_filter import PrivacyFilter


class UnreadableMessage(ValueError):
    """A message on a fact topic that is not a JSON object; the sink dead-letters it with this reason."""


@dataclass(frozen=True)
class KafkaRecord:
    """The parts of a consumed message a route needs."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes

    @property
    def position(self) -> str:
        return f"{self.partition}/{self.offset}"


RowBuilder = Callable[[KafkaRecord], dict[str, Any] | None]


@dataclass(frozen=True)
class Route:
    topic: str
    table: str
    build_row: RowBuilder


def fact_row(record: KafkaRecord) -> dict[str, Any]:
    """A stream-worker fact: the JSON object is the row."""
    try:
        document = orjson.loads(record.value)
    except orjson.JSONDecodeError as exc:
        raise UnreadableMessage(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise UnreadableMessage("a fact must be a JSON object")
    document.setdefault("_version", 1)
    return document


def dead_letter_row(record: KafkaRecord) -> dict[str, Any]:
    """A dead letter as sent, with its raw text and reason redacted again: not every producer is Pantau's."""
    row = fact_row(record)
    for column in ("raw", "reason"):
        if column in row:
            row[column] = redact_text(str(row[column]))
    row.setdefault("received_at", _kafka_time(record))
    row["_version"] = 1
    return row


class RawEventRows:
    """Rows for the `events` table: valid events only, pseudonymized, keyed by office and event_id."""

    def __init__(self, validator: EventValidator, privacy: PrivacyFilter) -> None:
        self._validator = validator
        self._privacy = privacy

    def __call__(self, record: KafkaRecord) -> dict[str, Any] | None:
        event = self._validator.validate(record.value, received_at=_kafka_time(record))
        if isinstance(event, DeadLetter):
            return None  # dead-lettered by the stream worker, which reads the same message
        document = self._privacy.scrub_event(orjson.loads(record.value))
        return {
            "event_id": event.event_id,
            "type": event.type,
            "office_id": event.office_id,
            "occurred_at": event.occurred_at,
            "received_at": _kafka_time(record),
            "payload": orjson.dumps(document).decode(),
            "source": f"kafka:{record.topic}",
            "position": record.position,
            "_version": first_stands_version(record.offset),
        }


EVENTS_VERSION_BASE = 1 << 62


def first_stands_version(offset: int) -> int:
    """The `events` version of a message: higher for earlier offsets, so the first version of an event_id stands.

    ReplacingMergeTree keeps the highest version per key (office_id, event_id). The events topic is
    keyed by office_id, so all messages of one key are on one partition, in offset order: counting
    the version down from a large base keeps the first one received, as the stream worker does
    (a repeat with other content is its conflicting_duplicate dead letter). An identical repeat
    (a file replayed twice) changes nothing either way.
    """
    return EVENTS_VERSION_BASE - offset


FACT_TABLES: dict[topics.TopicSpec, str] = {
    topics.TICKETS: "tickets",
    topics.COMPLAINTS: "complaints",
    topics.SURVEYS: "surveys",
    topics.WINDOW_METRICS: "window_metrics",
    topics.SLA_BREACHES: "sla_breaches",
    topics.IKM: "ikm",
    topics.SIGNALS: "signals",
    topics.ALERTS: "alerts",
    topics.ALERT_EVENTS: "alert_events",
}


def routed_topics(prefix: str) -> list[str]:
    """Every topic the sink consumes."""
    return [topics.EVENTS.name(prefix), topics.DEAD_LETTERS.name(prefix)] + [spec.name(prefix) for spec in FACT_TABLES]


def default_routes(prefix: str, validator: EventValidator, privacy: PrivacyFilter) -> list[Route]:
    """Every topic the sink lands, with its table."""
    routes = [
        Route(topics.EVENTS.name(prefix), "events", RawEventRows(validator, privacy)),
        Route(topics.DEAD_LETTERS.name(prefix), "dead_letters", dead_letter_row),
    ]
    routes += [Route(spec.name(prefix), table, fact_row) for spec, table in FACT_TABLES.items()]
    return routes


def _kafka_time(record: KafkaRecord) -> datetime:
    return datetime.fromtimestamp(record.timestamp_ms / 1000, tz=UTC)
