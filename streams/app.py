"""The Faust application: one agent over the events topic, tables for state, rows out to fact topics.

Thin by design: `EventProcessor` does the work; this module wires it to Kafka. Tables are
changelog-backed in-memory stores, so a restarted worker rebuilds its state from Kafka. Offsets
commit only after the state and the rows their events caused are in Kafka (streams/durable_commits.py);
events redelivered after a crash are recognised by the state and re-send their current rows, so the
default at_least_once guarantee gives exact results. exactly_once (one Kafka transaction per input
partition) is selectable, but Faust 0.15.3 can stall after a kill -9 restart with it.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any, NoReturn

import faust
import orjson

from pantau.catalog import Catalog
from pantau.errors import ConfigurationError
from pantau.kafka import topics
from pantau.settings import PantauSettings
from streams import durable_commits
from streams.offset_guard import SkippedOffsetGuard
from streams.processor import EventProcessor, Stores, StreamOptions

GUARANTEES = ("exactly_once", "at_least_once")
EXIT_PROCESSING_FAILED = 70
LOG = logging.getLogger("pantau.streams")


def app_id(prefix: str) -> str:
    """The Faust app id, which is also the worker's consumer group."""
    return f"{prefix}-streams"


STORE_TABLES: dict[str, str] = {
    "tickets": "ticket-state",
    "windows": "window-state",
    "complaints": "complaint-state",
    "ikm": "ikm-state",
    "surveys_seen": "surveys-seen",
    "clocks": "clock-state",
    "waiting": "waiting-state",
    "sweep": "sweep-state",
    "late": "late-state",
    "fairness": "fairness-state",
    "punctuality": "punctuality-state",
    "burn": "burn-state",
}
"""Each field of `Stores` and the Faust table (changelog topic `<app id>-<table>-changelog`) behind it."""


def stop_uncommitted(position: str) -> NoReturn:
    """End the worker process at once, committing nothing, after an event could not be processed.

    Faust would restart the agent and carry on past the event, silently losing its effects. Ending
    the process instead leaves the event and everything after it uncommitted: a restarted worker
    (`pantau up` reports the exit) takes them again from the last commit.
    """
    LOG.critical(
        "stream worker stops: processing the event at %s failed; nothing of it is committed", position, exc_info=True
    )
    logging.shutdown()
    os._exit(EXIT_PROCESSING_FAILED)


def changelog_topic_names(prefix: str) -> list[str]:
    """The changelog topic of every table, as Faust names them."""
    return [f"{app_id(prefix)}-{table}-changelog" for table in STORE_TABLES.values()]


def table_for(app: faust.App, name: str, partitions: int) -> Any:
    """A changelog-backed table; values are plain JSON (no value_type, which Faust cannot recover)."""
    return app.Table(STORE_TABLES[name], default=None, partitions=partitions, key_type=str)


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
        broker_commit_interval=settings.stream_commit_interval_s,
        # A killed worker's partitions move on after this long, not Faust's default minute.
        broker_session_timeout=settings.stream_session_timeout_s,
        broker_heartbeat_interval=settings.stream_session_timeout_s / 5,
    )

    stores = Stores(**{name: table_for(app, name, partitions) for name in STORE_TABLES})
    events_topic = app.topic(
        topics.EVENTS.name(prefix), key_serializer="raw", value_serializer="raw", partitions=partitions
    )
    outputs = {
        spec: app.topic(spec.name(prefix), key_serializer="raw", value_serializer="raw", partitions=partitions)
        for spec in topics.ALL_TOPICS
    }
    processor = EventProcessor(
        catalog, nik_key, source=f"kafka:{topics.EVENTS.name(prefix)}", options=StreamOptions.from_settings(settings)
    )

    @app.agent(events_topic)
    async def process_events(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            position = f"{message.partition}/{message.offset}"
            try:
                results = processor.process(event.value, position, stores, datetime.now(UTC))
                for output in results:
                    value = output.value if isinstance(output.value, bytes) else orjson.dumps(output.value)
                    # The input's partition puts the row in the input's transaction (streams/durable_commits.py).
                    await outputs[output.topic].send(key=output.key.encode(), value=value, partition=message.partition)
            except Exception:
                stop_uncommitted(position)

    if settings.stream_live_tick_s > 0:
        breaches_topic = topics.SLA_BREACHES.name(prefix)

        @app.timer(interval=settings.stream_live_tick_s)  # type: ignore[untyped-decorator]
        async def live_breaches() -> None:
            """Tickets waiting past target by the wall clock, before their office's next event says so.

            Sent with the plain producer, outside any transaction: a timer has no input offset to
            commit with, and a live-breach row is the same whoever sends it, so at-least-once is exact.
            """
            found = processor.tick(datetime.now(UTC), stores)
            if not found:
                return
            producer = app.producer
            await producer.maybe_start()
            for output in found:
                await producer.send_and_wait(
                    breaches_topic, output.key.encode(), orjson.dumps(output.value), None, None, None
                )

    guard = SkippedOffsetGuard(topics.EVENTS.name(prefix))

    @app.timer(interval=settings.stream_offset_guard_s)  # type: ignore[untyped-decorator]
    async def unstick_skipped_offsets() -> None:
        await guard.check(app.consumer)

    durable_commits.install(app, exactly_once=settings.stream_guarantee == "exactly_once")
    return app
