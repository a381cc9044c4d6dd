"""Migrations on the real embedded ClickHouse engine: every contract table, idempotent, dedup on keys."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from pantau.catalog import load_catalog
from pantau.clickhouse import apply_migrations, load_migrations
from pantau.clickhouse.catalog_sync import sync_catalog
from pantau.clickhouse.migrate import Migration
from pantau.errors import MigrationError

pytestmark = pytest.mark.integration

# CONTRACT section 4: table -> (key columns, other columns it must have at least)
CONTRACT_TABLES: dict[str, tuple[list[str], list[str]]] = {
    "tickets": (
        ["office_id", "ticket_id"],
        [
            "service_code",
            "priority_group",
            "channel",
            "counter_id",
            "issued_at",
            "called_at",
            "started_at",
            "ended_at",
            "wait_s",
            "service_s",
            "outcome",
            "target_wait_s",
            "wait_breached",
        ],
    ),
    "complaints": (
        ["office_id", "complaint_id"],
        [
            "service_code",
            "category",
            "channel",
            "filed_at",
            "responded_at",
            "resolved_at",
            "reporter_ref",
            "text_redacted",
            "response_overdue",
        ],
    ),
    "surveys": (["office_id", "survey_id"], ["service_code", "submitted_at", *[f"u{i}" for i in range(1, 10)]]),
    "ikm": (
        ["office_id", "period_kind", "period"],
        ["respondents", *[f"nrr_u{i}" for i in range(1, 10)], "ikm", "mutu", "min_sample", "below_min_sample"],
    ),
    "window_metrics": (
        ["office_id", "service_code", "window_start", "window_s"],
        ["served", "abandoned", "wait_p50_s", "wait_p90_s", "wait_p95_s", "wait_mean_s", "breaches", "complaints"],
    ),
    "sla_breaches": (
        ["breach_id"],
        ["office_id", "service_code", "ticket_id", "kind", "detected_at", "threshold_s", "observed_s"],
    ),
    "alerts": (
        ["alert_id"],
        [
            "rule",
            "office_id",
            "service_code",
            "severity",
            "state",
            "opened_at",
            "acked_at",
            "resolved_at",
            "notified_to",
        ],
    ),
    "dead_letters": (["source", "position"], ["raw", "reason", "received_at"]),
}


def columns_of(client: Client, database: str, table: str) -> dict[str, str]:
    rows = client.query(
        "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}",
        parameters={"db": database, "t": table},
    ).result_rows
    return {str(name): str(kind) for name, kind in rows}


def test_every_contract_table_exists_with_its_columns_and_key(clickhouse: Client, migrated_database: str) -> None:
    for table, (key, columns) in CONTRACT_TABLES.items():
        found = columns_of(clickhouse, migrated_database, table)
        assert set(key + columns) <= set(found), f"{table} lacks {set(key + columns) - set(found)}"
        sorting_key = clickhouse.query(
            "SELECT sorting_key, engine FROM system.tables WHERE database = {db:String} AND name = {t:String}",
            parameters={"db": migrated_database, "t": table},
        ).result_rows[0]
        assert {part.strip() for part in sorting_key[0].split(",")} == set(key), table
        assert sorting_key[1] == "ReplacingMergeTree", table
    time_columns = ["issued_at", "called_at", "started_at", "ended_at"]
    ticket_types = columns_of(clickhouse, migrated_database, "tickets")
    assert all("DateTime64(3, 'UTC')" in ticket_types[name] for name in time_columns)
    assert "Float64" in ticket_types["wait_s"]


def test_running_migrations_twice_changes_nothing(clickhouse: Client, migrated_database: str) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return [
            tuple(row)
            for row in clickhouse.query(
                "SELECT name, create_table_query FROM system.tables WHERE database = {db:String} ORDER BY name",
                parameters={"db": migrated_database},
            ).result_rows
        ]

    before = snapshot()
    recorded_before = clickhouse.query(f"SELECT count() FROM {migrated_database}.schema_migrations").result_rows
    report = apply_migrations(clickhouse, migrated_database)
    assert report.applied == []
    assert len(report.already_applied) == len(load_migrations())
    assert snapshot() == before
    assert clickhouse.query(f"SELECT count() FROM {migrated_database}.schema_migrations").result_rows == recorded_before


def test_an_edited_applied_migration_is_refused(clickhouse: Client, migrated_database: str) -> None:
    original = load_migrations()
    edited = [Migration(m.version, m.name, m.sql + "\n-- edited") if m.version == 1 else m for m in original]
    with pytest.raises(MigrationError, match="0001_raw_and_facts was changed after it was applied"):
        apply_migrations(clickhouse, migrated_database, migrations=edited)


def test_a_replayed_insert_gives_one_row_per_key_under_final(clickhouse: Client, migrated_database: str) -> None:
    columns = [
        "office_id",
        "ticket_id",
        "service_code",
        "ended_at",
        "outcome",
        "target_wait_s",
        "wait_breached",
        "wait_s",
        "_version",
    ]
    from datetime import UTC, datetime

    ended = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    first = ["MPP-JKT-01", "A001", "KTP", ended, "served", 1800.0, 0, 600.0, 1]
    retried = ["MPP-JKT-01", "A001", "KTP", ended, "served", 1800.0, 0, 600.0, 1]
    revised = ["MPP-JKT-01", "A001", "KTP", ended, "served", 1800.0, 1, 1900.0, 2]
    for row in (first, retried, revised, first):
        clickhouse.insert(f"{migrated_database}.tickets", [row], column_names=columns)
    rows = clickhouse.query(
        f"SELECT ticket_id, wait_s, wait_breached FROM {migrated_database}.tickets FINAL"
    ).result_rows
    assert [tuple(row) for row in rows] == [("A001", 1900.0, 1)]


def test_catalog_sync_writes_dimensions_once(clickhouse: Client, migrated_database: str) -> None:
    catalog = load_catalog()
    assert sync_catalog(clickhouse, migrated_database, catalog) == len(catalog.offices) + len(catalog.services)
    assert sync_catalog(clickhouse, migrated_database, catalog) == 0
    regions = clickhouse.query(
        f"SELECT region, count() FROM {migrated_database}.offices FINAL GROUP BY region ORDER BY region"
    ).result_rows
    assert sum(count for _, count in regions) == len(catalog.offices)
    target = clickhouse.query(
        f"SELECT target_wait_s FROM {migrated_database}.services FINAL WHERE service_code = 'PASPOR'"
    ).result_rows
    assert target == [(catalog.service("PASPOR").target_wait_s,)]


EVENT_ROWS = """
INSERT INTO {db}.events (event_id, type, office_id, occurred_at, received_at, payload, source, position, _version)
SELECT concat('{prefix}', toString(number)), if(number % 2 = 0, 'ticket.issued', 'service.started'), 'MPP-JKT-01',
       toDateTime64('2026-11-02 01:00:00', 3, 'UTC') + number,
       toDateTime64('2026-11-02 01:00:00', 3, 'UTC') + number + 1 + number % 4, '{{}}', 'test', toString(number), 1
FROM numbers({count})"""


def arrivals(clickhouse: Client, database: str) -> list[tuple[object, ...]]:
    """Per minute: landed events, p95 and max delivery lag (ms), newest arrival, from the 0007 rollup."""
    return [
        tuple(row)
        for row in clickhouse.query(
            f"SELECT minute, sum(events), quantilesMerge(0.5, 0.95)(lag_ms)[2], max(max_lag_ms), max(newest) "
            f"FROM {database}.events_received_minutely GROUP BY minute ORDER BY minute"
        ).result_rows
    ]


def arrivals_from_events(clickhouse: Client, database: str) -> list[tuple[object, ...]]:
    """The same figures computed from `events FINAL` itself."""
    return [
        tuple(row)
        for row in clickhouse.query(
            f"SELECT toStartOfMinute(received_at) AS minute, count(), "
            f"quantiles(0.5, 0.95)(dateDiff('millisecond', occurred_at, received_at))[2], "
            f"max(dateDiff('millisecond', occurred_at, received_at)), max(received_at) "
            f"FROM {database}.events FINAL GROUP BY minute ORDER BY minute"
        ).result_rows
    ]


def test_the_arrivals_rollup_counts_events_landed_before_and_after_its_migration(
    clickhouse: Client, database: str
) -> None:
    """0007 backfills what `events` held, and its materialized view adds every later insert."""
    migrations = load_migrations()
    apply_migrations(clickhouse, database, migrations=[m for m in migrations if m.version < 7])
    clickhouse.command(EVENT_ROWS.format(db=database, prefix="before-", count=150))
    apply_migrations(clickhouse, database)
    assert arrivals(clickhouse, database) == arrivals_from_events(clickhouse, database)
    clickhouse.command(EVENT_ROWS.format(db=database, prefix="after-", count=100))
    landed = arrivals(clickhouse, database)
    assert landed == arrivals_from_events(clickhouse, database)
    assert sum(int(row[1]) for row in landed) == 250  # type: ignore[call-overload]
