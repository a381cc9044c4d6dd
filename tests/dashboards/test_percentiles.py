"""Waiting-time percentiles are nearest-rank (DOMAIN.md): the SQL of `nearest_rank` runs on the embedded
engine and gives, on small known sets and on the seeded week's panels, what a plain Python nearest rank
gives."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from dashboards.build import all_dashboards
from dashboards.expand import render_sql
from dashboards.queries import office, regional
from dashboards.queries.percentiles import nearest_rank
from tests.dashboards.panel_context import time_range
from tests.dashboards.seeded_week import SeededWeek
from tests.dashboards.test_panel_queries import BUSIEST_OFFICE, resolve_variables


def python_nearest_rank(values: list[float], percent: int) -> float | None:
    """The value at 1-based rank ceil(percent / 100 x n) of the sorted values, with exact fractions."""
    if not values:
        return None
    ordered = sorted(values)
    rank = math.ceil(Fraction(percent, 100) * len(ordered))
    return ordered[rank - 1]


def _values_sql(values: list[float | None], tags: list[str] | None = None) -> str:
    """A table `t(x Nullable(Float64), tag String)` of the given rows; empty when `values` is."""
    tags = tags or ["a"] * len(values)
    literals = ("NULL" if v is None else repr(float(v)) for v in values)
    rows = ", ".join(f"({x}, '{tag}')" for x, tag in zip(literals, tags, strict=True))
    if not rows:
        return "(SELECT CAST(NULL AS Nullable(Float64)) AS x, '' AS tag WHERE 0)"
    return f"(SELECT x, tag FROM values('x Nullable(Float64), tag String', {rows}))"


def _percentile(client: Client, values: list[float | None], percent: int, condition: str | None = None) -> Any:
    sql = f"SELECT {nearest_rank('x', percent, condition)} AS p FROM {_values_sql(values)} AS t"
    rows = client.query(sql).result_rows
    assert len(rows) == 1
    return rows[0][0]


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([32, 40], 90, 40),
        ([40, 32], 50, 32),
        ([1, 2, 3, 4], 50, 2),
        (list(range(1, 11)), 90, 9),  # ceil(0.9 x 10) = 9, not 10 (float error or floor+1 would give 10)
        (list(range(1, 11)), 50, 5),
        (list(range(1, 21)), 95, 19),
        (list(range(1, 21)), 90, 18),
        ([7], 50, 7),
        ([7], 90, 7),
        ([7], 95, 7),
        ([3, None, 1, None, 2], 50, 2),  # NULLs are not values
    ],
)
def test_known_sets(clickhouse: Client, values: list[float | None], percent: int, expected: float) -> None:
    got = _percentile(clickhouse, values, percent)
    assert got == expected
    assert got == python_nearest_rank([v for v in values if v is not None], percent)


@pytest.mark.parametrize("percent", [50, 90, 95])
def test_empty_and_all_null_give_null(clickhouse: Client, percent: int) -> None:
    assert _percentile(clickhouse, [], percent) is None
    assert _percentile(clickhouse, [None, None], percent) is None


def test_condition_filters_rows(clickhouse: Client) -> None:
    values: list[float | None] = [100.0, 1.0, 2.0, 3.0, 4.0, 200.0, None]
    tags = ["x", "a", "a", "a", "a", "x", "a"]
    table = _values_sql(values, tags)
    kept = nearest_rank("x", 50, "tag = 'a'")
    others = nearest_rank("x", 90, "tag = 'x'")
    nobody = nearest_rank("x", 90, "tag = 'none'")
    (row,) = clickhouse.query(f"SELECT {kept}, {others}, {nobody} FROM {table} AS t").result_rows
    assert row == (2.0, 200.0, None)


def test_per_group_against_python_for_many_sizes(clickhouse: Client) -> None:
    """Groups of 1..60 values (ties and fractional waits included), p50/p90/p95 each, in one query."""
    rng = random.Random(20261101)
    groups = {
        n: [float(rng.choice([rng.randint(0, 3600), 60 * rng.randint(0, 30)])) + 0.25 for _ in range(n)]
        for n in range(1, 61)
    }
    rows = ", ".join(f"({n}, {v!r})" for n, values in groups.items() for v in values)
    sql = f"""
SELECT n, {nearest_rank("x", 50)} AS p50, {nearest_rank("x", 90)} AS p90, {nearest_rank("x", 95)} AS p95
FROM values('n UInt32, x Nullable(Float64)', {rows})
GROUP BY n ORDER BY n"""
    result = clickhouse.query(sql).result_rows
    assert [row[0] for row in result] == list(groups)
    for n, p50, p90, p95 in result:
        assert (p50, p90, p95) == tuple(python_nearest_rank(groups[n], p) for p in (50, 90, 95)), n


def test_quantile_exact_is_not_nearest_rank(clickhouse: Client) -> None:
    """Why the helper exists: quantileExact takes 0-based index floor(p x n), one rank too high here."""
    (row,) = clickhouse.query("SELECT quantileExact(0.9)(number + 1) FROM numbers(10)").result_rows
    assert row[0] == 10
    assert _percentile(clickhouse, [float(v) for v in range(1, 11)], 90) == 9


@pytest.mark.parametrize("percent", [0, 101, 0.9, True])
def test_percent_must_be_an_integer_percentage(percent: Any) -> None:
    with pytest.raises(ValueError, match="percent"):
        nearest_rank("x", percent)


def test_no_panel_uses_an_approximate_wait_percentile() -> None:
    for document in all_dashboards(database="pantau").values():
        for panel in document["panels"]:
            for target in panel.get("targets") or []:
                sql = target["rawSql"]
                if "wait_s" in sql:
                    assert "quantile" not in sql.lower(), panel["title"]


def _raw_waits(client: Client, week: SeededWeek, where: str) -> list[float]:
    window = time_range(week.start, week.end, None)
    sql = render_sql(
        f"SELECT wait_s FROM {week.database}.tickets FINAL "
        f"WHERE $__timeFilter(ended_at) AND outcome != 'abandoned' AND wait_s IS NOT NULL AND {where}",
        {},
        window,
    )
    return [float(row[0]) for row in client.query(sql).result_rows]


def test_panels_on_the_seeded_week_match_python(clickhouse: Client, seeded_week: SeededWeek) -> None:
    """Regional summary p90 and Detail Kantor p50/p90/p95 per service equal nearest rank over the raw waits."""
    documents = all_dashboards(database=seeded_week.database)
    window = time_range(seeded_week.start, seeded_week.end, None)

    selected = resolve_variables(clickhouse, documents["regional"], seeded_week)
    summary = clickhouse.query(render_sql(regional.SUMMARY.for_database(seeded_week.database), selected, window))
    p90 = summary.result_rows[0][summary.column_names.index("p90_wait_min")]
    expected = python_nearest_rank(_raw_waits(clickhouse, seeded_week, "1 = 1"), 90)
    assert expected is not None
    assert p90 == pytest.approx(expected / 60, rel=1e-12)

    selected = resolve_variables(clickhouse, documents["office"], seeded_week, {"office": BUSIEST_OFFICE})
    by_service = clickhouse.query(
        render_sql(office.WAITS_BY_SERVICE.for_database(seeded_week.database), selected, window)
    )
    assert by_service.result_rows
    columns = by_service.column_names
    for row in by_service.result_rows:
        code = row[columns.index("service_code")]
        waits = _raw_waits(clickhouse, seeded_week, f"office_id = '{BUSIEST_OFFICE}' AND service_code = '{code}'")
        for percent in (50, 90, 95):
            shown = row[columns.index(f"p{percent}_wait_min")]
            want = python_nearest_rank(waits, percent)
            if want is None:
                assert shown is None, code
            else:
                assert not math.isnan(shown)
                assert shown == pytest.approx(want / 60, rel=1e-12), (code, percent)
