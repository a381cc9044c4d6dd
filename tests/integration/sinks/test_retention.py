"""The sink brings the TTLs of `events` and `dead_letters` to the configured values (real engine)."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver.client import Client

from sinks import retention

pytestmark = pytest.mark.integration


def engine(clickhouse: Client, database: str, table: str) -> str:
    rows = clickhouse.query(
        "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}",
        parameters={"db": database, "t": table},
    ).result_rows
    return str(rows[0][0])


def test_migrations_give_dead_letters_30_days_from_landing(clickhouse: Client, migrated_database: str) -> None:
    assert retention.DEAD_LETTERS.days(clickhouse, migrated_database) == 30
    assert retention.EVENTS.days(clickhouse, migrated_database) == 400


def test_configured_ttls_replace_the_defaults_and_zero_removes_them(clickhouse: Client, migrated_database: str) -> None:
    db = migrated_database
    assert retention.DEAD_LETTERS.apply(clickhouse, db, 7)
    assert not retention.DEAD_LETTERS.apply(clickhouse, db, 7), "unchanged: no ALTER"
    assert "TTL landed_at + toIntervalDay(7)" in engine(clickhouse, db, "dead_letters")
    assert retention.EVENTS.days(clickhouse, db) == 400, "the other table is untouched"
    assert retention.DEAD_LETTERS.apply(clickhouse, db, 0)
    assert "TTL" not in engine(clickhouse, db, "dead_letters")
    assert retention.DEAD_LETTERS.days(clickhouse, db) == 0


def test_a_producer_cannot_set_when_its_dead_letter_expires(clickhouse: Client, migrated_database: str) -> None:
    """landed_at is MATERIALIZED: an insert naming it is refused, and a far-future received_at keeps nothing longer."""
    db = migrated_database
    clickhouse.command(
        f"INSERT INTO {db}.dead_letters (source, position, raw, reason, reason_code, received_at, _version) "
        "VALUES ('x', '1', '{}', 'r', 'invalid_json', '2099-01-01 00:00:00', 1)"
    )
    [(landed, received)] = clickhouse.query(f"SELECT landed_at, received_at FROM {db}.dead_letters").result_rows
    assert landed.year < 2099 and received.year == 2099
    with pytest.raises(Exception, match=r"(?i)materialized|cannot insert"):
        clickhouse.command(
            f"INSERT INTO {db}.dead_letters (source, position, raw, reason, reason_code, received_at, _version, "
            "landed_at) VALUES ('x', '2', '{}', 'r', 'invalid_json', now(), 1, '2099-01-01 00:00:00')"
        )
