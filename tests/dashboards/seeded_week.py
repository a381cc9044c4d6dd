"""A seeded, simulated week landed in an embedded ClickHouse database, without Kafka.

simulator -> EventProcessor (dict stores) -> rows -> the same column conversion the sink uses ->
ClickHouse. The raw `events` table is filled as the sink would (valid events, with a received_at a
little after occurred_at, so the pipeline panels have a lag to show). `signals` and `sla_breaches`
are the stream processor's own rows, so the fairness and breach panels are tested on what the
worker really writes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from clickhouse_connect.driver.client import Client

from pantau.catalog import Catalog, load_catalog
from pantau.clickhouse import apply_migrations
from pantau.clickhouse.catalog_sync import sync_catalog
from pantau.clickhouse.staffing_refresh import refresh_staffing
from pantau.contract import DeadLetter, EventValidator
from pantau.contract.models import Event
from pantau.kafka import topics
from producers.simulator import SimulationOptions, simulate
from sinks.columns import row_converter, table_columns
from streams.processor import EventProcessor, Stores

# Five offices in three time zones and four regions (two share DKI Jakarta, two districts).
WEEK_OFFICES = ("MPP-JKT-01", "DUKCAPIL-JKT-TIM", "MPP-BDG-01", "MPP-DPS-01", "MPP-JYP-01")
WEEK_START = date(2026, 10, 5)  # a Monday
WEEK_DAYS = 7
WEEK_SEED = 20261005


@dataclass(frozen=True)
class SeededWeek:
    """Where the week landed and what it spans (UTC), for queries and assertions."""

    database: str
    catalog: Catalog
    start: datetime
    end: datetime
    row_counts: dict[str, int]


def week_catalog(office_ids: tuple[str, ...] = WEEK_OFFICES) -> Catalog:
    """The shipped catalog cut down to `office_ids` (services kept whole)."""
    full = load_catalog(None)
    offices = [office for office in full.offices if office.id in office_ids]
    return full.model_copy(update={"offices": offices})


def _received_at(event_id: str, occurred_at: datetime) -> datetime:
    """A deterministic 0.2-4.0 s delivery delay per event, standing in for Kafka's timestamp."""
    spread = int(hashlib.sha256(event_id.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    return occurred_at + timedelta(seconds=0.2 + 3.8 * spread)


def build_week(
    client: Client,
    database: str,
    office_ids: tuple[str, ...] = WEEK_OFFICES,
    start: date = WEEK_START,
    days: int = WEEK_DAYS,
    seed: int = WEEK_SEED,
    staffing: tuple[tuple[str, str, int], ...] = (),
) -> SeededWeek:
    """Simulate, process and land `days` days (one week by default) into `database`; returns what it spans."""
    apply_migrations(client, database)
    catalog = week_catalog(office_ids)
    sync_catalog(client, database, catalog)
    processor = EventProcessor(catalog, nik_key=b"dashboards-test-key", source="kafka:pantau.events")
    validator = EventValidator(catalog)
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    options = SimulationOptions(
        offices=len(catalog.offices), days=days, seed=seed, start=start, invalid=0.002, staffing=staffing
    )
    latest: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    valid_events: list[Event] = []
    event_rows: list[dict[str, Any]] = []
    for position, record in enumerate(simulate(catalog, options)):
        received_at = record.occurred_at + timedelta(seconds=1)
        parsed = validator.validate(record.payload)
        if not isinstance(parsed, DeadLetter):
            valid_events.append(parsed)
            received_at = _received_at(parsed.event_id, parsed.occurred_at)
            event_rows.append(
                {
                    "event_id": parsed.event_id,
                    "type": parsed.type,
                    "office_id": parsed.office_id,
                    "occurred_at": parsed.occurred_at,
                    "received_at": received_at,
                    "payload": record.payload.decode(),
                    "source": "kafka:pantau.events",
                    "position": f"0/{position}",
                    "_version": 1,
                }
            )
        for output in processor.process(record.payload, f"0/{position}", stores, received_at):
            table = "dead_letters" if output.topic == topics.DEAD_LETTERS else _table_of(output.topic)
            value = orjson.loads(output.value) if isinstance(output.value, bytes) else output.value
            value.setdefault("_version", 1)
            key = (output.key, str(value.get("position", "")))
            latest[table][key] = value  # keep the newest version per key, as FINAL would
    latest["events"] = {(row["office_id"], row["event_id"]): row for row in event_rows}
    counts = {table: _insert(client, database, table, list(rows.values())) for table, rows in latest.items()}
    counts["staffing"] = refresh_staffing(client, database, weeks=1).cells  # what `pantau staffing` writes
    first = min(event.occurred_at for event in valid_events).astimezone(UTC)
    last = max(event.occurred_at for event in valid_events).astimezone(UTC)
    return SeededWeek(database, catalog, first, last, counts)


def _table_of(topic: topics.TopicSpec) -> str:
    return topic.suffix.replace("-", "_")


def _insert(client: Client, database: str, table: str, rows: list[dict[str, Any]]) -> int:
    columns = table_columns(client, database, table)
    convert = row_converter(columns)
    client.insert(f"{database}.{table}", [convert(row) for row in rows], column_names=[c.name for c in columns])
    return len(rows)
