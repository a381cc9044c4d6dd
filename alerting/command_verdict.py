"""Whether the alert service carried out an `ack`/`resolve`: read back from the alerts topic.

A command is a message on a topic, so "sent" says nothing about its effect: a mistyped id is rejected
by the service (it only logs it), and with no service running nothing happens at all. The service
publishes every change of an alert to `<prefix>.alerts`, so the CLI notes that topic's end before it
sends and then waits, bounded, for a change of this alert into the command's state. The service's
consumer group tells "nothing is running" apart from "running but nothing changed".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from kafka import KafkaConsumer, TopicPartition

from pantau.kafka import topics
from pantau.kafka.admin import ensure_topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.runtime.group_members import GroupMembers
from pantau.settings import PantauSettings

Outcome = Literal["done", "no_change", "no_service"]
STATE_AFTER = {"ack": "acknowledged", "resolve": "resolved"}


@dataclass(frozen=True)
class Verdict:
    """What came of one command: `done` with the alert row, `no_change`, or `no_service`."""

    outcome: Outcome
    alert: dict[str, Any] | None = None


def alert_service_group(prefix: str) -> str:
    """The alert service's consumer group (alerting/service.py joins it)."""
    return f"{prefix}-alerting"


def send_and_await(
    settings: PantauSettings, command: str, alert_id: str, send: Callable[[], None], timeout_s: float
) -> Verdict:
    """Send with `send()`, then wait up to `timeout_s` for the alert to reach the command's state."""
    prefix = settings.topic_prefix
    members = GroupMembers(settings)
    try:
        running = members.count(alert_service_group(prefix))
    finally:
        members.close()
    alerts_topic = topics.ALERTS.name(prefix)
    ensure_topics(settings.bootstrap_servers, [alerts_topic], settings.kafka_partitions)
    consumer = KafkaConsumer(**kafka_connection_config(settings), enable_auto_commit=False, group_id=None)
    try:
        numbers = sorted(consumer.partitions_for_topic(alerts_topic) or ())
        partitions = [TopicPartition(alerts_topic, number) for number in numbers]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        for partition in partitions:
            consumer.position(partition)  # fix the start now, before the command can be applied
        send()
        if running == 0:
            return Verdict("no_service")
        return _await_state(consumer, alert_id, STATE_AFTER[command], time.monotonic() + timeout_s)
    finally:
        consumer.close()


def _await_state(consumer: KafkaConsumer, alert_id: str, state: str, deadline: float) -> Verdict:
    while time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            for record in records:
                row = _row(record.value)
                if row is not None and row.get("alert_id") == alert_id and row.get("state") == state:
                    return Verdict("done", row)
    return Verdict("no_change")


def _row(value: bytes | None) -> dict[str, Any] | None:
    try:
        row = orjson.loads(value) if value else None
    except orjson.JSONDecodeError:
        return None
    return row if isinstance(row, dict) else None
