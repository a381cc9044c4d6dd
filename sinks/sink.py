"""The ClickHouse sink: consume, convert, insert in batches, and only then commit offsets.

At-least-once from Kafka plus idempotent tables gives exactly-once results: a batch that is inserted
but not committed (crash, rebalance) is consumed and inserted again, and ReplacingMergeTree keeps one
row per key. ClickHouse outages are retried with capped exponential backoff, holding the batch, so
nothing is skipped; so are Kafka outages at commit time (a broker restart): the rows are in ClickHouse
already and only the bookmark is missing. A message that cannot be turned into a row is written to
`dead_letters` with the reason, never dropped; so is a row ClickHouse refuses for its values (a UInt8
of 300), after bounded retries and once the batch has been halved down to it (sinks/insert_errors.py
tells such a refusal from an outage), so one bad message never stalls the other offices.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import CommitFailedError, IllegalStateError, KafkaError

from pantau.contract.dead_letters import office_id_hint, truncated
from pantau.kafka.metadata_wait import await_topic_metadata
from pantau.privacy import redact_text
from sinks.columns import row_converter, table_columns
from sinks.insert_errors import refuses_the_rows
from sinks.partitions import blocks_by_month, monthly_partition_columns
from sinks.routes import KafkaRecord, Route, UnreadableMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SinkLimits:
    max_batch: int = 5000
    max_wait_s: float = 0.5
    """How long a batch may fill after its first message (PANTAU_SINK_MAX_WAIT_S)."""
    backoff_start_s: float = 0.5
    backoff_max_s: float = 30.0
    refused_retries: int = 2
    """How often a block ClickHouse refuses for its values is tried again before its bad rows are set aside."""


@dataclass
class SinkStats:
    """What the sink has landed; read by the status line and `replay --wait`."""

    consumed: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped_invalid_raw: int = 0
    unreadable: int = 0
    insert_retries: int = 0
    rows_set_aside: int = 0
    commit_retries: int = 0
    commits_abandoned: int = 0
    last_commit_at: float = 0.0


class ClickHouseSink:
    """One consumer-group member landing every routed topic into its table."""

    def __init__(
        self,
        consumer: KafkaConsumer,
        client: Client,
        database: str,
        routes: list[Route],
        limits: SinkLimits | None = None,
        insert: Callable[[Client, str, list[list[Any]], list[str]], None] | None = None,
    ) -> None:
        self._consumer = consumer
        self._client = client
        self._database = database
        self._routes = {route.topic: route for route in routes}
        self._limits = limits or SinkLimits()
        self._insert = insert or _insert
        self._columns = {
            table: table_columns(client, database, table)
            for table in {route.table for route in routes} | {"dead_letters"}
        }
        self._converters = {table: row_converter(columns) for table, columns in self._columns.items()}
        monthly = monthly_partition_columns(client, database)
        self._month_column = {
            table: [column.name for column in columns].index(monthly[table]) if table in monthly else None
            for table, columns in self._columns.items()
        }
        self.stats = SinkStats()
        await_topic_metadata(consumer, self._routes)
        consumer.subscribe(sorted(self._routes))

    def run(self, stop: threading.Event) -> None:
        """Land batches until `stop` is set; the current batch is finished first."""
        while not stop.is_set():
            self.run_once(stop)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Poll one batch, land it (waiting out ClickHouse outages until `stop`), commit; returns messages."""
        polled = self._fill_batch(stop)
        records = [
            KafkaRecord(m.topic, m.partition, m.offset, m.timestamp, m.key, m.value)
            for messages in polled.values()
            for m in messages
        ]
        if not records:
            return 0
        landed = self._land(self._rows_by_table(records), stop)
        if landed is None:
            return 0  # stopped while ClickHouse was away: not committed, consumed again after restart
        if not self._commit(polled, stop):
            return 0  # stopped while Kafka was away: the landed batch is consumed again after restart
        self.stats.consumed += len(records)
        for table, count in landed.items():
            self.stats.rows[table] += count
        self.stats.last_commit_at = time.time()
        return len(records)

    def _fill_batch(self, stop: threading.Event | None) -> dict[TopicPartition, list[Any]]:
        """Messages polled until the batch holds `max_batch` or `max_wait_s` passed since its first one.

        kafka-python's `poll` returns as soon as any message is there, so under a steady stream each
        batch held a few messages and cost an insert into every table: chDB's fixed cost per insert
        kept the sink at about one core even at 100 events/s (benchmarks/RESULTS.md, issue #17).
        """
        limits = self._limits
        polled: dict[TopicPartition, list[Any]] = {}
        for partition, messages in self._consumer.poll(
            timeout_ms=int(limits.max_wait_s * 1000), max_records=limits.max_batch
        ).items():
            polled[partition] = list(messages)
        count = sum(len(messages) for messages in polled.values())
        deadline = time.monotonic() + limits.max_wait_s
        while count and count < limits.max_batch and not (stop is not None and stop.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            more = self._consumer.poll(timeout_ms=max(1, int(remaining * 1000)), max_records=limits.max_batch - count)
            for partition, messages in more.items():
                polled.setdefault(partition, []).extend(messages)
                count += len(messages)
        return polled

    def _land(self, batches: dict[str, list[_Row]], stop: threading.Event | None) -> dict[str, int] | None:
        """Insert every table's rows; rows ClickHouse refuses become dead letters. Rows landed per table, or None.

        None means `stop` came while ClickHouse was unavailable. The dead letters of refused rows are
        inserted last, in the same batch, so the offsets are committed only once they are durable too.
        """
        landed: dict[str, int] = defaultdict(int)
        set_aside: list[dict[str, Any]] = []
        for table, rows in batches.items():
            month_index = self._month_column[table]
            month_value = None if month_index is None else (lambda row, i=month_index: row.values[i])
            for block in blocks_by_month(rows, month_value):
                outcome = self._insert_block(table, block, stop, self._limits.refused_retries)
                if outcome is None:
                    return None
                landed[table] += len(block) - len(outcome)
                set_aside += [_refused(row.record, table, reason) for row, reason in outcome]
        if set_aside:
            letters = [_Row(self._converters["dead_letters"](letter), None) for letter in set_aside]
            if self._insert_block("dead_letters", letters, stop, refused_retries=None) is None:
                return None
            landed["dead_letters"] += len(letters)
            self.stats.rows_set_aside += len(letters)
        return landed

    def _insert_block(
        self, table: str, block: list[_Row], stop: threading.Event | None, refused_retries: int | None
    ) -> list[tuple[_Row, str]] | None:
        """Insert `block`; returns the rows ClickHouse refused (with why), or None if `stop` came first.

        An outage (sinks.insert_errors) is retried with capped backoff for as long as it lasts. A
        refusal of the values is retried `refused_retries` times, then the block is halved until the
        refused rows are alone: the rest lands, and only they are set aside. `refused_retries` None:
        these rows are Pantau's own dead letters, which must land, so a refusal is retried like an outage.
        """
        names = [column.name for column in self._columns[table]]
        backoff = self._limits.backoff_start_s
        refusals = 0
        while True:
            try:
                self._insert(self._client, f"{self._database}.{table}", [row.values for row in block], names)
                return []
            except Exception as exc:
                refused = refuses_the_rows(exc)
                if not refused and not isinstance(exc, DriverError):
                    raise
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if refused and refused_retries is not None:
                    refusals += 1
                    if refusals > refused_retries:
                        return self._split_refused(table, block, reason, stop)
                self.stats.insert_retries += 1
                log.warning("ClickHouse insert into %s failed (%s); retrying in %.1f s", table, reason, backoff)
                if stop is not None and stop.wait(backoff):
                    return None
                if stop is None:
                    time.sleep(backoff)
                backoff = min(backoff * 2, self._limits.backoff_max_s)

    def _split_refused(
        self, table: str, block: list[_Row], reason: str, stop: threading.Event | None
    ) -> list[tuple[_Row, str]] | None:
        """Find the rows of a refused block by halving it: each half is tried once more, alone."""
        if len(block) == 1:
            log.error("ClickHouse refuses a row of %s (%s); it is set aside as a dead letter", table, reason)
            return [(block[0], reason)]
        middle = len(block) // 2
        refused: list[tuple[_Row, str]] = []
        for half in (block[:middle], block[middle:]):
            outcome = self._insert_block(table, half, stop, refused_retries=0)
            if outcome is None:
                return None
            refused += outcome
        return refused

    def _commit(self, polled: dict[TopicPartition, list[Any]], stop: threading.Event | None) -> bool:
        """Commit the landed batch, retrying while Kafka is unreachable; False if `stop` came first.

        A broker restart or a moving group coordinator raises retriable errors here; before this loop
        one of them ended `pantau sink`. A rebalance (or a shutdown) that took the partitions away
        is not retried: their new owner starts from the last commit and lands the batch again, which
        the tables absorb.
        """
        backoff = self._limits.backoff_start_s
        while True:
            try:
                offsets = {}
                assigned = self._consumer.assignment()
                for partition, messages in polled.items():
                    if partition not in assigned:
                        continue  # taken away by a rebalance (or the shutdown): its next owner lands it again
                    # The consumer's position is past the last record and past any transaction markers
                    # after it, so a fully landed partition shows zero lag.
                    position = max(messages[-1].offset + 1, self._consumer.position(partition) or 0)
                    offsets[TopicPartition(partition.topic, partition.partition)] = OffsetAndMetadata(position, "", -1)
                if offsets:
                    self._consumer.commit(offsets)
                return True
            except (CommitFailedError, IllegalStateError) as exc:
                self.stats.commits_abandoned += 1
                log.warning("Kafka refused the commit after a rebalance (%s); the batch will be landed again", exc)
                return True
            except KafkaError as exc:
                if not exc.retriable:
                    raise
                self.stats.commit_retries += 1
                log.warning("Kafka commit failed (%s); retrying in %.1f s", exc, backoff)
                if stop is not None and stop.wait(backoff):
                    return False
                if stop is None:
                    time.sleep(backoff)
                backoff = min(backoff * 2, self._limits.backoff_max_s)

    def close(self) -> None:
        """Leave the consumer group; uncommitted work is consumed again by the next member."""
        self._consumer.close(autocommit=False)

    def _rows_by_table(self, records: list[KafkaRecord]) -> dict[str, list[_Row]]:
        batches: dict[str, list[_Row]] = defaultdict(list)
        for record in records:
            route = self._routes[record.topic]
            try:
                document = route.build_row(record)
                if document is None:
                    self.stats.skipped_invalid_raw += 1
                    continue
                batches[route.table].append(_Row(self._converters[route.table](document), record))
            except (UnreadableMessage, ValueError, TypeError, OverflowError) as exc:
                self.stats.unreadable += 1
                letter = self._converters["dead_letters"](_unreadable(record, exc))
                batches["dead_letters"].append(_Row(letter, record))
        return batches


class _Row(NamedTuple):
    """One row to insert, with the message it came from (None: a dead letter the sink made itself)."""

    values: list[Any]
    record: KafkaRecord | None


def _unreadable(record: KafkaRecord, exc: Exception) -> dict[str, Any]:
    return _sink_dead_letter(record, "unreadable_fact", str(exc))


def _refused(record: KafkaRecord | None, table: str, reason: str) -> dict[str, Any]:
    if record is None:  # only rows read from Kafka are ever refused; the sink's own letters are retried
        raise AssertionError(f"a dead letter made by the sink was refused by ClickHouse: {reason}")
    return _sink_dead_letter(record, "refused_by_clickhouse", f"{table}: {reason}")


def _sink_dead_letter(record: KafkaRecord, reason_code: str, detail: str) -> dict[str, Any]:
    """A dead letter for a message the sink could not land, keyed by where it is in Kafka (a re-read replaces it)."""
    raw = record.value.decode("utf-8", errors="replace")
    return {
        "source": f"kafka:{record.topic}",
        "position": record.position,
        "raw": redact_text(truncated(record.value)),
        "reason": redact_text(f"{reason_code} ({detail})"),
        "reason_code": reason_code,
        "office_id": office_id_hint(raw),
        "received_at": datetime.now(UTC),
        "_version": 1,
    }


def _insert(client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
    client.insert(table, rows, column_names=columns)
