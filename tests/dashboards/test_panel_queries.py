"""Every panel's and every variable's SQL, expanded as Grafana and the plugin expand it, runs on a
simulated week and returns rows of the columns the query declares."""

from __future__ import annotations

import time
from typing import Any

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
