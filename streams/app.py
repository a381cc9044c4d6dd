"""The Faust application: one agent over the events topic, one table for state, rows out to fact topics.

Thin by design: `EventProcessor` does the work; this module wires it to Kafka. The state lives in
one changelog-backed Faust table, written one whole event at a time through a journal
(streams/durable_state.py), so a restarted worker rebuilds exactly the state of the events it had
applied; an `OffsetGate` (streams/offset_gate.py) then applies each event once and in its
partition's order, whatever Faust redelivers or skips. The outputs of an event are journaled with
it and sent again after a crash; the sink keeps one row per key and version. Offsets commit only
after what their events caused is in Kafka (streams/durable_commits.py), though correctness rests
on the journal, not on them. at_least_once is the default; exactly_once (one Kafka transaction per
input partition) is selectable (streams/README.md says what was measured with each).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any, NoReturn

import faust
import orjson
from faust.types import TP

from pantau.catalog import Catalog
from pantau.errors import ConfigurationError
from pantau.kafka import topics
from pantau.settings import PantauSettings
from streams import durable_commits
from streams.connection import aiokafka_connection_config, faust_credentials
from streams.durable_state import DurableState, JournaledOutput
from streams.flusher import StateFlusher
from streams.gap_reader import GapNotReadable, GapReader
from streams.offset_gate import Verdict, admit, next_offset
from streams.offset_guard import SkippedOffsetGuard
from streams.options import worker_datadir
from streams.processor import EventProcessor, Output, StreamOptions

GUARANTEES = ("exactly_once", "at_least_once")
EXIT_PROCESSING_FAILED = 70
LOG = logging.getLogger("pantau.streams")


def app_id(prefix: str) -> str:
    """The Faust app id, which is also the worker's consumer group."""
    return f"{prefix}-streams"


STATE_TABLE = "state"
"""The one Faust table holding every store (streams/durable_state.py); changelog `<app id>-state-changelog`."""


def stop_uncommitted(position: str) -> NoReturn:
    """End the worker process at once, committing nothing, after an event could not be processed.

    Faust would restart the agent and carry on past the event, silently losing its effects. Ending
    the process instead leaves the event and everything after it out of the durable state: a
    restarted worker (`pantau up` reports the exit) applies them again from there.
    """
    LOG.critical(
        "stream worker stops: processing the event at %s failed; nothing of it is committed", position, exc_info=True
    )
    logging.shutdown()
    os._exit(EXIT_PROCESSING_FAILED)


def changelog_topic_names(prefix: str) -> list[str]:
    """The changelog topic of the state table, as Faust names it."""
    return [f"{app_id(prefix)}-{STATE_TABLE}-changelog"]


class TableChangelog:
    """`durable_state.Changelog` over a Faust table: its producer buffer keeps the order of the sends."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def send(self, partition: int, key: str, value: Any) -> None:
        if value is None:  # a Kafka tombstone: JSON would send b"null", which deletes nothing
            self._table.send_changelog(partition, key, None, value_serializer="raw")
        else:
            self._table.send_changelog(partition, key, value)


def encode(output: Output, prefix: str) -> JournaledOutput:
    """An output as it is sent and journaled: topic name, key, JSON bytes."""
    value = output.value if isinstance(output.value, bytes) else orjson.dumps(output.value)
    return JournaledOutput(output.topic.name(prefix), output.key, value)


def create_app(settings: PantauSettings, catalog: Catalog, nik_key: bytes) -> faust.App:
    """Build the worker's Faust app for the configured cluster and topics."""
    if settings.stream_guarantee not in GUARANTEES:
        raise ConfigurationError(f"PANTAU_STREAM_GUARANTEE must be one of {GUARANTEES}")
    prefix = settings.topic_prefix
    partitions = settings.kafka_partitions
    app = faust.App(
        app_id(prefix),
        broker=f"kafka://{settings.bootstrap_servers}",
        broker_credentials=faust_credentials(settings),
        store="memory://",
        datadir=worker_datadir(settings, app_id(prefix)),
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

    table = app.Table(STATE_TABLE, default=None, partitions=partitions, key_type=str)
    memory_store: Any = table.data
    state = DurableState(memory_store.data, TableChangelog(table), memory_store._key_partition)
    stores = state.stores
    events_name = topics.EVENTS.name(prefix)
    events_topic = app.topic(events_name, key_serializer="raw", value_serializer="raw", partitions=partitions)
    outputs = {
        spec.name(prefix): app.topic(
            spec.name(prefix), key_serializer="raw", value_serializer="raw", partitions=partitions
        )
        for spec in topics.ALL_TOPICS
    }
    processor = EventProcessor(
        catalog, nik_key, source=f"kafka:{events_name}", options=StreamOptions.from_settings(settings)
    )
    flusher = StateFlusher(app, state, settings.stream_flush_interval_s)

    async def send(output: JournaledOutput, partition: int) -> None:
        # The input's partition puts the row in the input's transaction (streams/durable_commits.py).
        await outputs[output.topic].send(key=output.key.encode(), value=output.value, partition=partition)

    gaps = GapReader(aiokafka_connection_config(settings), events_name)

    async def apply(partition: int, offset: int, timestamp_ms: float, value: bytes) -> None:
        """Apply one event whole: state, journal record, then its outputs.

        The message's Kafka timestamp is the event's receipt time (Pantau creates the events topic
        with LogAppendTime: the broker's clock), so a re-read message is judged as the first time.
        """
        position = f"{partition}/{offset}"
        received_at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
        try:
            state.begin()
            results = [encode(output, prefix) for output in processor.process(value, position, stores, received_at)]
            state.finish(partition, offset, results)
            for output in results:
                await send(output, partition)
            state.sent(partition, offset)
            await flusher.maybe_flush()
        except Exception:
            stop_uncommitted(position)

    @app.agent(events_topic)
    async def process_events(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
            partition, offset = message.partition, message.offset
            if state.needs_recovery(partition):
                for output in state.recover(partition):
                    await send(output, partition)
            verdict = admit(offset, state.applied(partition))
            if verdict is Verdict.SKIP:
                continue
            if verdict is Verdict.FILL_GAP:
                start = next_offset(state.applied(partition))
                LOG.warning(
                    "partition %d: offsets %d..%d were skipped; reading them first", partition, start, offset - 1
                )
                try:
                    async for missing, timestamp_ms, value in gaps.read(partition, start, offset):
                        if admit(missing, state.applied(partition)) is not Verdict.SKIP:  # absent offsets are no gap
                            await apply(partition, missing, timestamp_ms, value)
                except GapNotReadable:
                    stop_uncommitted(f"{partition}/{start} (the skipped offsets could not be read)")
            await apply(partition, offset, message.timestamp * 1000, event.value)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def on_revoked(sender: Any, revoked: set[TP], **_: Any) -> None:
        """Flush before Faust recovers the table again (it overlays the changelog on memory), then recover anew."""
        await flusher.flush()
        state.forget({tp.partition for tp in revoked if tp.topic == events_name})

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
