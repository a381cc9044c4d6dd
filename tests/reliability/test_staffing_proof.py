"""Proof that the staffing advice works: the same citizens, served by the advised counters, meet the standard.

An understaffed office (seed 12 makes DUKCAPIL-JKT-TIM one: demand above its counters' capacity) is
simulated for a fortnight and landed in the real embedded engine as the pipeline would land it.
`refresh_staffing` turns its measured arrivals and service times into advice per weekday and hour;
the same fortnight is simulated again with the same arrival rates (the simulator sizes demand to the
office's own counters, whatever serves it) but more counters. The simulator staffs a service with one
number of counters all day, so the hourly advice is taken as the counters needed in three of four open
hours (the 75th percentile of the cells). Compliance with the waiting standard (served within the
service's target wait, the dashboards' definition) must rise from well below the target share to
about it. (The realized arrivals differ a little: serving draws from the same random stream.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from clickhouse_connect.driver.client import Client

from pantau.clickhouse.staffing_refresh import refresh_staffing
from producers.simulator.profiles import build_profiles
from tests.dashboards.seeded_week import build_week, week_catalog

pytestmark = pytest.mark.integration

OFFICE = "DUKCAPIL-JKT-TIM"
SEED = 12
START = date(2026, 10, 5)
DAYS = 14


def compliance(client: Client, database: str) -> dict[str, float]:
    """Per service: served tickets within the target wait / served tickets with a wait."""
    rows = client.query(
        f"SELECT service_code, countIf(wait_s <= target_wait_s) / count() FROM {database}.tickets FINAL "
        "WHERE outcome != 'abandoned' AND wait_s IS NOT NULL GROUP BY service_code"
    ).result_rows
    return {str(service): float(share) for service, share in rows}


@pytest.fixture
def databases(clickhouse: Client) -> Iterator[tuple[str, str]]:
    names = (f"today_{uuid.uuid4().hex[:8]}", f"advised_{uuid.uuid4().hex[:8]}")
    yield names
    for name in names:
        clickhouse.command(f"DROP DATABASE IF EXISTS {name}")


def test_the_advised_counters_bring_compliance_up_to_the_target(
    clickhouse: Client, databases: tuple[str, str]
) -> None:
    today_db, advised_db = databases
    catalog = week_catalog((OFFICE,))
    [profile] = build_profiles(catalog, SEED, 1)
    assert profile.understaffed, "the seed must make the office understaffed"
    own = {desk.service.code: len(desk.counter_ids) for desk in profile.desks}

    build_week(clickhouse, today_db, (OFFICE,), START, DAYS, SEED)
    refresh_staffing(clickhouse, today_db, weeks=2)
    advice = {
        str(service): int(needed)
        for service, needed in clickhouse.query(
            f"SELECT service_code, quantileExact(0.75)(counters_needed) FROM {today_db}.staffing FINAL "
            "WHERE arrivals_per_hour > 0 GROUP BY service_code"
        ).result_rows
    }
    assert set(advice) == set(own) and all(advice[code] > own[code] for code in own), (own, advice)

    staffing = tuple((OFFICE, code, counters) for code, counters in sorted(advice.items()))
    build_week(clickhouse, advised_db, (OFFICE,), START, DAYS, SEED, staffing=staffing)

    issued = [
        clickhouse.query(f"SELECT count() FROM {db}.tickets FINAL").result_rows[0][0] for db in (today_db, advised_db)
    ]
    assert abs(issued[0] - issued[1]) <= 0.06 * issued[0], f"as many citizens come: {issued}"
    before, after = compliance(clickhouse, today_db), compliance(clickhouse, advised_db)
    targets = {service.code: service.target_within for service in catalog.services if service.code in own}
    figures = {code: (own[code], advice[code], round(before[code], 3), round(after[code], 3)) for code in own}
    print("service: (counters today, advised, compliance today, with the advice)", figures, "targets", targets)
    for code, target in targets.items():
        assert before[code] < target - 0.10, f"{code}: the office is understaffed: {figures[code]}"
        assert after[code] >= target - 0.07, f"{code}: with the advice compliance is about the target: {figures[code]}"
    mean_target = sum(targets.values()) / len(targets)
    assert sum(after.values()) / len(after) >= mean_target - 0.03, figures
