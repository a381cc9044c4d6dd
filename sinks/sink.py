"""The ClickHouse sink: consume, convert, insert in batches, and only then commit offsets.

At-least-once from Kafka plus idempotent tables gives exactly-once results: a batch that is inserted
but not committed (crash, rebalance) is consumed and inserted again, and ReplacingMergeTree keeps one
row per key. ClickHouse outages are retried with capped exponential backoff, holding the batch, so
nothing is skipped; so are Kafka outages at commit time (a broker restart): the rows are in ClickHouse
already and only the bookmark is missing. A message that cannot be turned into a row is written to
`dead_letters` with the reason, never dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import CommitFailedError, IllegalStateError, KafkaError

from pantau.privacy import redact_text
from sinks.columns import row_converter, table_columns
from sinks.partitions import blocks_by_month, monthly_partition_columns
from sinks.routes import KafkaRecord, Route, UnreadableMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SinkLimits:
    max_batch: int = 5000
    max_wait_s: float = 0.5
    backoff_start_s: float = 0.5
    backoff_max_s: float = 30.0


@dataclass
class SinkStats:
    """What the sink has landed; read by the status line and `replay --wait`."""

    consumed: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped_invalid_raw: int = 0
    unreadable: int = 0
    insert_retries: int = 0
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
        consumer.subscribe(sorted(self._routes))

    def run(self, stop: threading.Event) -> None:
        """Land batches until `stop` is set; the current batch is finished first."""
        while not stop.is_set():
            self.run_once(stop)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Poll one batch, land it (retrying ClickHouse until it succeeds or `stop`), commit; returns messages."""
        polled = self._consumer.poll(timeout_ms=int(self._limits.max_wait_s * 1000), max_records=self._limits.max_batch)
        records = [
            KafkaRecord(m.topic, m.partition, m.offset, m.timestamp, m.key, m.value)
            for messages in polled.values()
            for m in messages
        ]
        if not records:
            return 0
        batches = self._rows_by_table(records)
        backoff = self._limits.backoff_start_s
        while True:
            try:
                for table, rows in batches.items():
                    names = [c.name for c in self._columns[table]]
                    for block in blocks_by_month(rows, self._month_column[table]):
                        self._insert(self._client, f"{self._database}.{table}", block, names)
                break
            except DriverError as exc:
                self.stats.insert_retries += 1
                log.warning("ClickHouse insert failed (%s); retrying in %.1f s", str(exc).splitlines()[0], backoff)
                if stop is not None and stop.wait(backoff):
                    return 0  # not committed: the batch is consumed again after restart
                if stop is None:
                    time.sleep(backoff)
                backoff = min(backoff * 2, self._limits.backoff_max_s)
        if not self._commit(polled, stop):
            return 0  # stopped while Kafka was away: the landed batch is consumed again after restart
        self.stats.consumed += len(records)
        for table, rows in batches.items():
            self.stats.rows[table] += len(rows)
        self.stats.last_commit_at = time.time()
        return len(records)

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

    def _rows_by_table(self, records: list[KafkaRecord]) -> dict[str, list[list[Any]]]:
        batches: dict[str, list[list[Any]]] = defaultdict(list)
        for record in records:
            route = self._routes[record.topic]
            try:
                document = route.build_row(record)
                if document is None:
                    self.stats.skipped_invalid_raw += 1
                    continue
                batches[route.table].append(self._converters[route.table](document))
            except (UnreadableMessage, ValueError, TypeError) as exc:
                self.stats.unreadable += 1
                batches["dead_letters"].append(self._converters["dead_letters"](_unreadable(record, exc)))
        return batches


def _unreadable(record: KafkaRecord, exc: Exception) -> dict[str, Any]:
    return {
        "source": f"kafka:{record.topic}",
        "position": record.position,
        "raw": redact_text(record.value.decode("utf-8", errors="replace")),
        "reason": redact_text(f"unreadable_fact ({exc})"),
        "reason_code": "unreadable_fact",
        "received_at": datetime.now(UTC),
        "_version": 1,
    }


def _insert(client: Client, table: str, rows: list[list[Any]], columns: list[str]) -> None:
    client.insert(table, rows, column_names=columns)
