"""The Faust application: one agent over the events topic, one table for state, rows out to fact topics.

Thin by design: the agent takes events in batches (`stream.take_events`), and the batch protocol of
streams/checkpoint.py applies each partition's share of a batch with the pure `EventProcessor`,
writes one checkpoint for it and sends its coalesced outputs. That module states what is durable
when; the Faust behaviours it relies on being fixed are in streams/faust_workarounds.py.
at_least_once is the default; exactly_once (one Kafka transaction per input partition) is
selectable (streams/README.md says what was measured with each).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import faust
import orjson
from faust.types import TP

from pantau.catalog import Catalog
from pantau.errors import ConfigurationError
from pantau.kafka import topics
from pantau.settings import PantauSettings
from streams.checkpoint import BatchCheckpointer, BatchFailed, BatchRunner, encode
from streams.connection import aiokafka_connection_config, faust_credentials
from streams.durable_state import DurableState, JournaledOutput
from streams.faust_workarounds import (
    EXIT_PROCESSING_FAILED,
    GapNotReadable,
    GapReader,
    SkippedOffsetGuard,
    count_gap_as_acked,
    install_commit_dedup,
    install_commit_drain,
    stop_uncommitted,
)
from streams.gc_policy import CollectorPolicy
from streams.options import worker_datadir
from streams.processor import EventProcessor, StreamOptions
from streams.task_dump import describe_faust_consumer, install_task_dump

__all__ = ["EXIT_PROCESSING_FAILED", "app_id", "changelog_topic_names", "create_app", "encode"]

GUARANTEES = ("exactly_once", "at_least_once")
LOG = logging.getLogger("pantau.streams")


def app_id(prefix: str) -> str:
    """The Faust app id, which is also the worker's consumer group."""
    return f"{prefix}-streams"


STATE_TABLE = "state"
"""The one Faust table holding every store (streams/durable_state.py); changelog `<app id>-state-changelog`."""


def changelog_topic_names(prefix: str) -> list[str]:
    """The changelog topic of the state table, as Faust names it."""
    return [f"{app_id(prefix)}-{STATE_TABLE}-changelog"]


class QueuedChangelog:
    """`durable_state.Changelog` over a Faust table's changelog topic, sent straight to the producer.

    The state's changelog messages (checkpoints, flushed values, markers, deletions) are queued in
    call order and `publish`ed by the batch runner at each step, through one path, so Kafka gets them
    in that order; sending each through Faust's buffer and `Topic.send` cost about a fifth of the
    worker's time (py-spy, benchmarks/RESULTS.md). Keys and values are encoded as the table's own
    serializers would (JSON), so Faust restores the table from them as ever.
    """

    def __init__(self, table: Any) -> None:
        self._table = table
        self._pending: list[tuple[int, str, Any]] = []

    def send(self, partition: int, key: str, value: Any) -> None:
        self._pending.append((partition, key, value))

    async def publish(self, producer: Any) -> None:
        """Send every queued message, in order (each `send` waits only for room in the producer)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        topic = self._table.changelog_topic
        name = topic.get_topic_name()
        for partition, key, value in pending:
            key_bytes = orjson.dumps(key)  # the table's JSON key serializer: b'"<store>|<key>"'
            # None is a Kafka tombstone (a deletion on the compacted topic); bytes are an encoded checkpoint
            value_bytes = value if value is None or isinstance(value, bytes) else orjson.dumps(value)
            await producer.send(name, key_bytes, value_bytes, partition, None, None)


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
    changelog = QueuedChangelog(table)
    state = DurableState(memory_store.data, changelog, memory_store._key_partition)
    stores = state.stores
    events_name = topics.EVENTS.name(prefix)
    events_topic = app.topic(events_name, key_serializer="raw", value_serializer="raw", partitions=partitions)
    processor = EventProcessor(
        catalog, nik_key, source=f"kafka:{events_name}", options=StreamOptions.from_settings(settings)
    )
    checkpointer = BatchCheckpointer(state, processor, prefix, settings.stream_flush_interval_s)
    gaps = GapReader(aiokafka_connection_config(settings), events_name)

    async def send(output: JournaledOutput, partition: int) -> None:
        """Straight to the producer (under exactly_once, Faust's transaction manager), not through
        `Topic.send`, whose per-message bookkeeping cost a third of the worker's time."""
        producer = await app.maybe_start_producer()
        await producer.send(output.topic, output.key.encode(), output.value, partition, None, None)

    async def read_gap(partition: int, start: int, end: int) -> Any:
        try:
            async for item in gaps.read(partition, start, end):
                yield item
        except GapNotReadable:
            stop_uncommitted(f"{partition}/{start} (the skipped offsets could not be read)")

    async def gap_done(partition: int, start: int, end: int) -> None:
        await count_gap_as_acked(app.consumer, TP(events_name, partition), start, end)

    async def publish_changelog() -> None:
        await changelog.publish(await app.maybe_start_producer())

    # `producer.flush` drains Faust's buffer too (install_commit_drain), then the Kafka producer.
    runner = BatchRunner(
        checkpointer, send, read_gap, app.producer.flush, publish_changelog, gap_done, settings.stream_batch_max_events
    )

    # The agent's batch and a flush on revocation must not interleave their changelog messages (a
    # checkpoint's chunks stay together, a flush covers only whole batches).
    state_lock = asyncio.Lock()
    collector = CollectorPolicy(settings.stream_gc_freeze)

    @app.agent(events_topic)
    async def process_events(stream: Any) -> None:
        batches = stream.take_events(settings.stream_batch_max_events, within=settings.stream_batch_max_wait_s)
        async for batch in batches:
            try:
                async with state_lock:
                    await runner.run(batch)
            except BatchFailed as failed:
                stop_uncommitted(failed.position)
            except Exception:
                stop_uncommitted("a batch of the events topic")
            collector.tick()

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]
    async def on_revoked(sender: Any, revoked: set[TP], **_: Any) -> None:
        """Flush before Faust recovers the table again (it overlays the changelog on memory), then recover anew."""
        async with state_lock:
            await runner.flush()
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

    @app.task  # type: ignore[untyped-decorator]
    async def listen_for_task_dumps() -> None:
        install_task_dump(lambda: describe_faust_consumer(app.consumer))

    guard = SkippedOffsetGuard(topics.EVENTS.name(prefix))

    @app.timer(interval=settings.stream_offset_guard_s)  # type: ignore[untyped-decorator]
    async def unstick_skipped_offsets() -> None:
        await guard.check(app.consumer)

    install_commit_drain(app, exactly_once=settings.stream_guarantee == "exactly_once")
    install_commit_dedup(app)
    return app
