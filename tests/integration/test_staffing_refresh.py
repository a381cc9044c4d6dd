"""`staffing` filled from `tickets` in the real embedded engine: local weekdays and hours, Erlang C advice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver.client import Client

from pantau.catalog import load_catalog
from pantau.clickhouse.catalog_sync import sync_catalog
from pantau.clickhouse.staffing_refresh import refresh_staffing
from streams.logic.staffing import counters_needed, offered_load, service_level

pytestmark = pytest.mark.integration

MONDAYS = [datetime(2026, 11, 2, 2, 0, tzinfo=UTC), datetime(2026, 11, 9, 2, 0, tzinfo=UTC)]  # 09:00 WIB
COLUMNS = ["office_id", "ticket_id", "service_code", "counter_id", "issued_at", "started_at", "ended_at",
           "wait_s", "service_s", "outcome", "target_wait_s", "wait_breached", "_version"]  # fmt: skip


def ticket(n: int, issued: datetime, counter: str, service_s: float = 600.0, office: str = "MPP-JKT-01") -> list:
    started = issued + timedelta(minutes=20)
    return [office, f"T{n}", "KTP", counter, issued, started, started + timedelta(seconds=service_s),
            1200.0, service_s, "served", 1800.0, 0, 1]  # fmt: skip


def test_a_cell_is_advised_from_its_arrivals_service_time_and_open_counters(
    clickhouse: Client, migrated_database: str
) -> None:
    db = migrated_database
    sync_catalog(clickhouse, db, load_catalog())
    rows = []
    for day, monday in enumerate(MONDAYS):
        for n in range(30):  # 30 tickets an hour, two counters serving
            rows.append(ticket(day * 100 + n, monday + timedelta(minutes=2 * n), f"L0{n % 2 + 1}"))
    # A Makassar office at 09:00 WITA is 01:00 UTC: its own local hour, not Jakarta's.
    rows.append(ticket(999, MONDAYS[1] - timedelta(hours=1), "L01", office="MPP-DPS-01"))
    clickhouse.insert(f"{db}.tickets", rows, column_names=COLUMNS)

    refresh = refresh_staffing(clickhouse, db, weeks=4)

    assert (refresh.cells, refresh.without_service_time) == (2, 0)
    cells = clickhouse.query(
        f"SELECT office_id, weekday, hour, weeks, arrivals_per_hour, mean_service_s, counters_open, counters_needed,"
        f" service_level_now, service_level_needed FROM {db}.staffing FINAL ORDER BY office_id"
    ).result_rows
    [denpasar, jakarta] = cells
    assert denpasar[:3] == ("MPP-DPS-01", 1, 9)
    office, weekday, hour, weeks, arrivals, service_s, open_, needed, now_level, advised_level = jakarta
    assert (office, weekday, hour, weeks) == ("MPP-JKT-01", 1, 9, 4)
    assert (arrivals, service_s, open_) == (30.0, 600.0, 2.0)
    load = offered_load(30, 600)  # 5 Erlangs: two counters can never keep up
    assert needed == counters_needed(load, 1800, 600, 0.9) and needed > 5
    assert now_level == 0.0 and advised_level == pytest.approx(service_level(load, needed, 1800, 600))
    assert advised_level >= 0.9


def test_a_refresh_replaces_the_advice_and_weeks_count_back_from_the_newest_ticket(
    clickhouse: Client, migrated_database: str
) -> None:
    db = migrated_database
    sync_catalog(clickhouse, db, load_catalog())
    old = ticket(1, MONDAYS[0] - timedelta(weeks=10), "L01")
    clickhouse.insert(f"{db}.tickets", [old, ticket(2, MONDAYS[1], "L01")], column_names=COLUMNS)
    first = refresh_staffing(clickhouse, db, weeks=4)
    assert first.cells == 1, "the ticket ten weeks before the newest is outside the last 4 weeks"
    second = refresh_staffing(clickhouse, db, weeks=20, now=first.computed_at + timedelta(hours=1))
    rows = clickhouse.query(f"SELECT weeks, arrivals_per_hour, computed_at FROM {db}.staffing FINAL").result_rows
    assert [(weeks, arrivals) for weeks, arrivals, _ in rows] == [(20, 1.0)]
    assert rows[0][2].replace(tzinfo=UTC) == second.computed_at
    assert second.cells == 1, "the old Monday ticket falls in the same cell as the newer one"

    clickhouse.insert(f"{db}.tickets", [ticket(3, MONDAYS[1] + timedelta(days=1), "L01")], column_names=COLUMNS)
    refresh_staffing(clickhouse, db, weeks=20, now=second.computed_at + timedelta(hours=1))
    clickhouse.insert(f"{db}.tickets", [ticket(4, MONDAYS[1] + timedelta(weeks=8), "L01")], column_names=COLUMNS)
    refresh_staffing(clickhouse, db, weeks=1, now=second.computed_at + timedelta(hours=2))
    left = clickhouse.query(f"SELECT weekday, count() FROM {db}.staffing GROUP BY weekday").result_rows
    assert left == [(1, 1)], "Tuesday's cell, no longer in the last week of tickets, is gone: not an old plan"


def test_weeks_must_be_positive(clickhouse: Client, migrated_database: str) -> None:
    with pytest.raises(ValueError, match="at least one week"):
        refresh_staffing(clickhouse, migrated_database, weeks=0)
