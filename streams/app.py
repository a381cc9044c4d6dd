"""The Faust application: one agent over the events topic, tables for state, rows out to fact topics.

Thin by design: `EventProcessor` does the work; this module wires it to Kafka. Tables are
changelog-backed in-memory stores, so a restarted worker rebuilds its state from Kafka. With the
default exactly_once guarantee, state changes, output rows and consumed offsets commit in one Kafka
transaction per input partition (streams/transactions.py makes that hold across a kill -9).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import faust
import orjson

from pantau.catalog import Catalog
from pantau.errors import ConfigurationError
from pantau.kafka import topics
from pantau.settings import PantauSettings
from streams import transactions
from streams.processor import EventProcessor, Stores

GUARANTEES = ("exactly_once", "at_least_once")


def app_id(prefix: str) -> str:
    """The Faust app id, which is also the worker's consumer group."""
    return f"{prefix}-streams"


def create_app(settings: PantauSettings, catalog: Catalog, nik_key: bytes) -> faust.App:
    """Build the worker's Faust app for the configured cluster and topics."""
    if settings.stream_guarantee not in GUARANTEES:
        raise ConfigurationError(f"PANTAU_STREAM_GUARANTEE must be one of {GUARANTEES}")
    prefix = settings.topic_prefix
    partitions = settings.kafka_partitions
    app = faust.App(
        app_id(prefix),
        broker=f"kafka://{settings.bootstrap_servers}",
        store="memory://",
        processing_guarantee=settings.stream_guarantee,
        topic_partitions=partitions,
        topic_replication_factor=1,
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        # A killed worker's partitions move on after this long, not Faust's default minute.
        broker_session_timeout=settings.stream_session_timeout_s,
        broker_heartbeat_interval=settings.stream_session_timeout_s / 5,
    )

    def table(name: str) -> Any:
        return app.Table(name, default=None, partitions=partitions, key_type=str)

    stores = Stores(
        tickets=table("ticket-state"),
        windows=table("window-state"),
        complaints=table("complaint-state"),
        ikm=table("ikm-state"),
        surveys_seen=table("surveys-seen"),
    )
    events_topic = app.topic(
        topics.EVENTS.name(prefix), key_serializer="raw", value_serializer="raw", partitions=partitions
    )
    outputs = {
        spec: app.topic(spec.name(prefix), key_serializer="raw", value_serializer="raw", partitions=partitions)
        for spec in topics.ALL_TOPICS
    }
    processor = EventProcessor(catalog, nik_key, source=f"kafka:{topics.EVENTS.name(prefix)}")

    @app.agent(events_topic)
    async def process_events(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            position = f"{message.partition}/{message.offset}"
            for output in processor.process(event.value, position, stores, datetime.now(UTC)):
                value = output.value if isinstance(output.value, bytes) else orjson.dumps(output.value)
                # The input's partition puts the row in the input's transaction (streams/transactions.py).
                await outputs[output.topic].send(key=output.key.encode(), value=value, partition=message.partition)

    if settings.stream_guarantee == "exactly_once":
        transactions.install(app)
    return app
