"""Validate-then-send: the Kafka producer every Pantau source uses (simulator, replay, gateway).

Valid events go to the events topic keyed by office_id, so one office's events stay in order on one
partition; invalid ones go to the dead-letter topic with their reason and raw payload. The producer is
idempotent with acks=all, and delivery failures are collected from the futures and raised at flush,
never swallowed. Counts always reconcile: received = accepted + dead_lettered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from kafka import KafkaProducer
from kafka.errors import KafkaError

from pantau.contract import DeadLetter, DeadLetterReason, EventValidator, ReasonCode, dead_letter_message
from pantau.contract.dead_letters import truncated
from pantau.contract.models import Event
from pantau.errors import DeliveryError, KafkaUnavailableError
from pantau.kafka import topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.privacy import scrub_event
from pantau.settings import PantauSettings


@dataclass
class PublishCounts:
    """What a publisher has done so far; `received == accepted + dead_lettered` at all times."""

    received: int = 0
    accepted: int = 0
    dead_lettered: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def count_dead_letter(self, reason: DeadLetterReason) -> None:
        self.dead_lettered += 1
        label = reason.code.value + (f": {reason.field}" if reason.field else "")
        self.reasons[label] = self.reasons.get(label, 0) + 1


@dataclass(frozen=True)
class Accepted:
    event: Event


@dataclass(frozen=True)
class Refused:
    reason: DeadLetterReason


def create_producer(settings: PantauSettings, **overrides: Any) -> KafkaProducer:
    """An idempotent, acks=all, lz4-compressed kafka-python producer for the configured cluster."""
    config: dict[str, Any] = {
        **kafka_connection_config(settings),
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": "lz4",
        "linger_ms": 5,
        "batch_size": 256 * 1024,
        "client_id": "pantau-producer",
        "bootstrap_timeout_ms": int(settings.kafka_connect_timeout_s * 1000),
        **overrides,
    }
    try:
        return KafkaProducer(**config)
    except KafkaError as exc:
        raise KafkaUnavailableError(
            f"No Kafka broker answers at {settings.bootstrap_servers} ({exc}). Start one with `pantau kafka up`, "
            "or set KAFKA_BOOTSTRAP to a reachable cluster."
        ) from None


DEFAULT_MAX_EVENT_BYTES = 64 * 1024
"""The default PANTAU_EVENT_MAX_BYTES: far above any real event, well below Kafka's 1 MB message limit."""
class EventPublisher:
    """Validates raw events and sends them to Kafka; one instance per input source."""

    def __init__(
        self,
        producer: KafkaProducer,
        validator: EventValidator,
        topic_prefix: str,
        source: str,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        pseudonym_key: bytes | None = None,
    ) -> None:
        """`max_event_bytes` (PANTAU_EVENT_MAX_BYTES): a larger event is a too_large dead letter, kept truncated.

        `pseudonym_key`: when given (the replay and the gateway), each accepted event is sent as
        Pantau keeps it (pantau.privacy.scrub_event): a complaint's NIK as `reporter_ref`, every other
        string redacted, so no raw NIK enters Kafka through Pantau's own ingress.
        """
        self._max_event_bytes = max_event_bytes
        self._pseudonym_key = pseudonym_key
        self._producer = producer
        self._validator = validator
        self._events_topic = topics.EVENTS.name(topic_prefix)
        self._dead_letter_topic = topics.DEAD_LETTERS.name(topic_prefix)
        self._source = source
        self._failures: list[BaseException] = []
        self.counts = PublishCounts()

    def publish(self, payload: bytes, position: str, allowed_office: str | None = None) -> Accepted | Refused:
        """Validate `payload` and send it to the events or the dead-letter topic.

        `position` says where it came from in the source (line number, request/index), so a replay of
        the same input produces the same dead-letter keys. `allowed_office` restricts the office_id
        (the gateway's per-office keys); a dead letter then names that office, the one whose key sent
        it, not the office_id the payload claims.
        """
        sender = allowed_office or ""
        self.counts.received += 1
        if len(payload) > self._max_event_bytes:
            # Kafka would refuse it (and fail the whole replay); an event is a few hundred bytes.
            reason = DeadLetterReason(
                ReasonCode.TOO_LARGE, None, f"{len(payload):,} bytes; the limit is {self._max_event_bytes:,}"
            )
            self._send_dead_letter(DeadLetter(raw=truncated(payload), reason=reason), position, sender)
            return Refused(reason)
        result = self._validator.validate(payload, received_at=datetime.now(UTC))
        if isinstance(result, DeadLetter):
            self._send_dead_letter(result, position, sender)
            return Refused(result.reason)
        if allowed_office is not None and result.office_id != allowed_office:
            reason = DeadLetterReason(
                ReasonCode.OFFICE_NOT_AUTHORIZED,
                "office_id",
                f"this key may only send events for {allowed_office}, not {result.office_id}",
            )
            raw = payload.decode("utf-8", errors="replace")
            self._send_dead_letter(DeadLetter(raw=raw, reason=reason), position, sender)
            return Refused(reason)
        if self._pseudonym_key is not None:
            payload = orjson.dumps(scrub_event(orjson.loads(payload), self._pseudonym_key))
        self._send(self._events_topic, result.office_id.encode(), payload, position)
        self.counts.accepted += 1
        return Accepted(result)

    def refuse(self, raw: bytes, reason: DeadLetterReason, position: str, office_id: str = "") -> Refused:
        """Dead-letter input that never reached validation (too large, unreadable line ...), kept truncated.

        `office_id`: the office that sent it, when known (the gateway's key); else read from `raw` if it can be.
        """
        self.counts.received += 1
        self._send_dead_letter(DeadLetter(raw=truncated(raw), reason=reason), position, office_id)
        return Refused(reason)

    def flush(self, timeout_s: float | None = 60.0) -> None:
        """Wait until every send is acknowledged; raise DeliveryError if any failed."""
        try:
            self._producer.flush(timeout=timeout_s)
        except KafkaError as exc:
            self._failures.append(exc)
        if self._failures:
            first = self._failures[0]
            count = len(self._failures)
            self._failures.clear()
            raise DeliveryError(
                f"{count} message(s) from {self._source} were not acknowledged by Kafka "
                f"({type(first).__name__}: {first}); they were not delivered"
            )

    def close(self, timeout_s: float = 30.0) -> None:
        """Flush and close the producer; raises DeliveryError like `flush`."""
        try:
            self.flush(timeout_s)
        finally:
            self._producer.close(timeout=timeout_s)

    def _send_dead_letter(self, dead_letter: DeadLetter, position: str, office_id: str = "") -> None:
        message = dead_letter_message(dead_letter, self._source, position, datetime.now(UTC), office_id)
        self._send(self._dead_letter_topic, self._source.encode(), message, position)
        self.counts.count_dead_letter(dead_letter.reason)

    def _send(self, topic: str, key: bytes, value: bytes, position: str) -> None:
        headers = [("pantau-source", self._source.encode()), ("pantau-position", position.encode())]
        try:
            future = self._producer.send(topic, key=key, value=value, headers=headers)
        except KafkaError as exc:
            raise DeliveryError(f"Kafka refused a message from {self._source} at {position}: {exc}") from None
        future.add_errback(self._failures.append)
