"""Commands to the running alert service (`pantau alerts ack|resolve`), carried by a Kafka topic.

The service owns the alert state, so the CLI does not write ClickHouse: it publishes a command keyed
by alert id to `<prefix>.alert-commands`, which the service consumes in its own group and applies
like any other input (and commits only after the resulting transition was published).
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from kafka import KafkaProducer

from pantau.kafka.admin import ensure_topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.settings import PantauSettings

COMMANDS_SUFFIX = "alert-commands"
CommandName = Literal["ack", "resolve"]


def commands_topic(prefix: str) -> str:
    """Not in the shared topic registry on purpose: only the alert service and its CLI use it."""
    return f"{prefix}.{COMMANDS_SUFFIX}"


def command_message(command: CommandName, alert_id: str, actor: str | None = None, note: str = "") -> dict[str, Any]:
    """The JSON a command travels as; `actor` defaults to the login name, for MTTA by person."""
    return {
        "command": command,
        "alert_id": alert_id,
        "actor": actor or _login(),
        "note": note,
        "sent_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def send_command(settings: PantauSettings, message: dict[str, Any], timeout_s: float = 30.0) -> None:
    """Publish one command and wait for the broker's acknowledgement."""
    topic = commands_topic(settings.topic_prefix)
    ensure_topics(settings.bootstrap_servers, [topic], settings.kafka_partitions)
    producer = KafkaProducer(**kafka_connection_config(settings), acks="all")
    try:
        producer.send(topic, key=str(message["alert_id"]).encode(), value=orjson.dumps(message)).get(timeout=timeout_s)
    finally:
        producer.close()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
