"""Every panel's and every variable's SQL, expanded as Grafana and the plugin expand it, runs on a
simulated week and returns rows of the columns the query declares."""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from clickhouse_connect.driver.client import Client

from dashboards.build import all_dashboards
from dashboards.expand import render_sql
from dashboards.grafana.board import series_texts
from dashboards.interpolation import Selection
from dashboards.queries import complaints, ikm, office, pipeline, regional, variables
from dashboards.queries.model import DEFAULT_MIN_TICKETS, Query
from tests.dashboards.panel_context import panel_targets, time_range
from tests.dashboards.seeded_week import SeededWeek

BUSIEST_OFFICE = "MPP-JKT-01"
_ALL_QUERIES = {
    f"{module.__name__.rsplit('.', 1)[-1]}.{name}": value
    for module in (regional, office, complaints, ikm, pipeline, variables)
    for name, value in vars(module).items()
    if isinstance(value, Query)
}
_BY_SQL = {query.sql: query for query in _ALL_QUERIES.values()}


def _declared(sql: str, database: str) -> Query:
    for query in _BY_SQL.values():
        if query.for_board(database, DEFAULT_MIN_TICKETS, series_texts("id")) == sql:
            return query
    raise AssertionError(f"panel SQL is not one of the shared queries:\n{sql[:300]}")


def resolve_variables(
    client: Client, document: dict[str, Any], week: SeededWeek, picks: dict[str, str] | None = None
) -> dict[str, Selection]:
    """Run the dashboard's variable queries in order, as Grafana does, each seeing the ones before it."""
    picks = picks or {}
    resolved: dict[str, Selection] = {}
    window = time_range(week.start, week.end, None)
    for variable in document["templating"]["list"]:
        name = variable["name"]
        if variable["type"] == "custom":
            options = tuple(value.strip() for value in variable["query"].split(","))
            resolved[name] = Selection(values=(picks.get(name, variable["current"]["value"]),), options=options)
            continue
        result = client.query(render_sql(variable["query"], resolved, window))
        declared = _declared(variable["query"], week.database)
        assert tuple(result.column_names) == declared.columns, name
        options = tuple(str(row[0]) for row in result.result_rows)
        assert options, f"variable {name} of {document['uid']} offers no value"
        if name in picks:
            assert picks[name] in options, f"{picks[name]} not offered by {name}: {options}"
            resolved[name] = Selection(values=(picks[name],), options=options, multi=bool(variable.get("multi")))
        elif variable.get("includeAll"):
            resolved[name] = Selection(is_all=True, options=options, multi=True)
        else:
            resolved[name] = Selection(values=(options[0],), options=options)
    return resolved


@pytest.fixture(scope="module")
def dashboards_for_week(seeded_week: SeededWeek) -> dict[str, dict[str, Any]]:
    return all_dashboards(database=seeded_week.database)


def _picks(name: str) -> dict[str, str]:
    return {"office": BUSIEST_OFFICE} if name == "office" else {}


def test_every_panel_returns_rows_with_all_selected(
    clickhouse: Client, seeded_week: SeededWeek, dashboards_for_week: dict[str, dict[str, Any]]
) -> None:
    timings: list[tuple[float, str]] = []
    failures: list[str] = []
    for name, document in dashboards_for_week.items():
        selected = resolve_variables(clickhouse, document, seeded_week, _picks(name))
        for target in panel_targets({name: document}):
            sql = render_sql(target.sql, selected, time_range(seeded_week.start, seeded_week.end, target.interval))
            assert "$" not in sql.replace("$$", ""), f"{target.label}: unexpanded macro or variable in\n{sql}"
            started = time.perf_counter()
            result = clickhouse.query(sql)
            timings.append((time.perf_counter() - started, target.label))
            declared = _declared(target.sql, seeded_week.database)
            if not result.result_rows:
                failures.append(f"{target.label}: no rows")
            elif tuple(result.column_names) != declared.columns:
                failures.append(f"{target.label}: columns {result.column_names} != {declared.columns}")
    assert not failures, "\n".join(failures)
    slowest = sorted(timings, reverse=True)[:3]
    print("slowest panel queries:", [(round(seconds, 3), label) for seconds, label in slowest])
    panels = sum(1 for d in dashboards_for_week.values() for p in d["panels"] if p["type"] != "row")
    assert len(timings) == panels  # every panel has a target and each was run


@pytest.mark.parametrize("region", ["DKI Jakarta", "Bali"])
def test_panels_run_for_one_region(
    clickhouse: Client, seeded_week: SeededWeek, dashboards_for_week: dict[str, dict[str, Any]], region: str
) -> None:
    """A concrete selection goes through `${var:singlequote}` instead of conditionalAll's 1=1."""
    for name, document in dashboards_for_week.items():
        picks = {"region": region}
        if name == "office":
            picks["office"] = "MPP-DPS-01" if region == "Bali" else BUSIEST_OFFICE
        selected = resolve_variables(clickhouse, document, seeded_week, picks)
        for target in panel_targets({name: document}):
            sql = render_sql(target.sql, selected, time_range(seeded_week.start, seeded_week.end, target.interval))
            assert f"'{region}'" in sql or "region" not in target.sql
            result = clickhouse.query(sql)
            if result.result_rows:
                assert tuple(result.column_names) == _declared(target.sql, seeded_week.database).columns


def test_region_filter_narrows_the_ranking(
    clickhouse: Client, seeded_week: SeededWeek, dashboards_for_week: dict[str, dict[str, Any]]
) -> None:
    document = dashboards_for_week["regional"]
    ranking_sql = next(t.sql for t in panel_targets({"regional": document}) if "row_number()" in t.sql)
    window = time_range(seeded_week.start, seeded_week.end, None)
    everything = clickhouse.query(
        render_sql(ranking_sql, resolve_variables(clickhouse, document, seeded_week), window)
    ).result_rows
    bali = clickhouse.query(
        render_sql(ranking_sql, resolve_variables(clickhouse, document, seeded_week, {"region": "Bali"}), window)
    ).result_rows
    expected = {o.id for o in seeded_week.catalog.offices}
    assert {row[1] for row in everything} == expected
    assert {row[1] for row in bali} == {o.id for o in seeded_week.catalog.offices if o.region == "Bali"}


def _run(
    client: Client, week: SeededWeek, query: Query, picks: dict[str, str], min_tickets: int = DEFAULT_MIN_TICKETS
) -> list[dict[str, Any]]:
    """One shared query as its board sends it, on the seeded week, as records."""
    board = "office" if "${tz}" in query.sql else "regional"
    document = all_dashboards(database=week.database)[board]
    selected = resolve_variables(client, document, week, picks)
    sql = query.for_board(week.database, min_tickets, series_texts("id"))
    result = client.query(render_sql(sql, selected, time_range(week.start, week.end, "1h")))
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def test_small_offices_are_flagged_and_left_out_of_the_ranking(clickhouse: Client, seeded_week: SeededWeek) -> None:
    everyone = _run(clickhouse, seeded_week, regional.OFFICE_RANKING, {})
    smallest = min(everyone, key=lambda row: row["completed"])
    cut = smallest["completed"] + 1  # only the smallest office falls below
    rows = _run(clickhouse, seeded_week, regional.OFFICE_RANKING, {}, min_tickets=cut)
    flagged = [row for row in rows if row["low_volume"] == 1]
    assert [row["office_id"] for row in flagged] == [smallest["office_id"]] and flagged[0]["rank"] is None
    ranked = [row for row in rows if row["low_volume"] == 0]
    assert [row["rank"] for row in ranked] == list(range(1, len(ranked) + 1))
    gaps = [row["compliance_gap"] for row in ranked]
    assert gaps == sorted(gaps, reverse=True)  # ranked by gap to the services' own target
    for row in ranked:
        assert abs(row["compliance_gap"] - (row["compliance"] - row["target"])) < 1e-9


def test_counters_show_empty_not_nan_or_zero_without_signals(clickhouse: Client, seeded_week: SeededWeek) -> None:
    rows = _run(clickhouse, seeded_week, office.COUNTERS, {"office": BUSIEST_OFFICE})
    assert rows
    for row in rows:
        late = row["avg_minutes_late"]
        assert late is None or late == late  # NaN != NaN
        assert (late is None) == (not row["late_openings"])
        assert 0 < row["utilisation"] <= 1 and row["idle_hours"] >= 0
    assert any(row["queue_jumps"] is None for row in rows) or all(row["queue_jumps"] for row in rows)


def test_walkouts_and_no_shows_are_apart(clickhouse: Client, seeded_week: SeededWeek) -> None:
    rows = _run(clickhouse, seeded_week, office.WAITS_BY_SERVICE, {"office": BUSIEST_OFFICE})
    abandoned = clickhouse.query(
        f"SELECT countIf(abandon_reason = 'no_show'), countIf(abandon_reason != 'no_show') "
        f"FROM {seeded_week.database}.tickets FINAL WHERE outcome = 'abandoned' AND office_id = '{BUSIEST_OFFICE}'"
    ).result_rows[0]
    assert (sum(r["no_shows"] for r in rows), sum(r["walkouts"] for r in rows)) == abandoned
    assert abandoned[0] > 0 and abandoned[1] > 0


def test_daily_complaint_buckets_are_wib_midnights(clickhouse: Client, seeded_week: SeededWeek) -> None:
    rows = _run(clickhouse, seeded_week, complaints.TREND, {})
    assert rows
    for row in rows:
        local = row["time"].astimezone(ZoneInfo("Asia/Jakarta"))
        assert (local.hour, local.minute) == (0, 0)
    assert {row["category"] for row in rows} & {"waktu pelayanan", "perilaku petugas"}  # translated labels


def test_summary_compares_with_the_previous_period(clickhouse: Client, seeded_week: SeededWeek) -> None:
    (row,) = _run(clickhouse, seeded_week, regional.SUMMARY, {})
    assert abs(row["compliance_gap"] - (row["compliance"] - row["target"])) < 1e-9
    # The seeded week has nothing before it: no change to show, rather than a made-up one.
    assert row["compliance_change"] is None and row["completed_change"] is None
