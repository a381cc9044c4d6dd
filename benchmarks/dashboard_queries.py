"""Latency of every dashboard panel's query over a year of 200 offices, with and without the rollups.

Usage: python benchmarks/dashboard_queries.py [--copies 40] [--weeks 52] [--runs 3]

The history is too large to simulate and process event by event in a few minutes (about 250,000
events per simulated day for 200 offices), so it is built in two steps:
1. a template: tests/dashboards/seeded_week.py simulates one week of 5 offices (3 time zones) and lands
   it through the stream processor and the sink's column conversion, as the dashboard tests do;
2. a fast generator inside ClickHouse: `INSERT INTO <table> SELECT ... FROM template ARRAY JOIN` copies
   every row --copies times (office ids suffixed -000, -001 ..., so 5 x 40 = 200 offices, each copy in
   the catalog dimensions with its original's region and district) and --weeks times (times shifted by
   whole weeks, ids suffixed with the copy and the week). Holidays and seasonal changes are therefore
   not in the history, and the office id inside the raw `payload` JSON stays the original's (no panel
   reads it).
Each panel's SQL is expanded exactly as Grafana and the plugin would (dashboards/expand.py), with every
variable on All (the office dashboard: one office), and run --runs times: over the dashboard's default
time range ending at the end of the history (what a user opening it sees), and over the whole year.
The figure is the median run (the first, cold run is shown apart); the last column names what each
panel reads. If the schema has rollups (migration 0005 on: day, week and month views over the hourly
window_metrics), the same figures for the whole year (served and mean wait per office and period) are
timed from each rollup and, without it, from `tickets FINAL`; with no rollups that is said instead.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from _common import machine, print_table
from clickhouse_connect.driver.client import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ is not installed

from dashboards.build import all_dashboards
from dashboards.expand import render_sql
from dashboards.interpolation import Selection
from pantau.catalog import Catalog
from pantau.clickhouse import EmbeddedTarget, apply_migrations, clickhouse_session, load_migrations
from pantau.clickhouse.catalog_sync import sync_catalog
from tests.dashboards.panel_context import PanelTarget, panel_targets, time_range
from tests.dashboards.seeded_week import build_week

BASE_TABLES = frozenset({
    "events", "dead_letters", "tickets", "complaints", "surveys", "ikm", "window_metrics", "sla_breaches",
    "alerts", "alert_events", "offices", "services", "signals", "schema_migrations",
})
ID_COLUMNS = frozenset({"ticket_id", "event_id", "complaint_id", "survey_id", "signal_id", "breach_id", "alert_id",
                        "position"})
_RELATIVE = re.compile(r"^now-(\d+)([hdw])$")


def column_expression(name: str, kind: str) -> str:
    """How one column of a template row becomes the row of copy `c` in week `w`."""
    if name == "office_id":
        return "concat(office_id, '-', leftPad(toString(c), 3, '0'))"
    if name in ID_COLUMNS:
        return f"concat({name}, '.c', toString(c), '.w', toString(w))"  # unique even where the key lacks office_id
    if name == "period":
        return period_start("(period + toIntervalWeek(w))")
    if "DateTime" in kind:
        return f"{name} + toIntervalWeek(w)"
    return name


def period_start(day: str) -> str:
    """The first day of the IKM period (of the row's period_kind) holding `day`."""
    semester = f"makeDate(toYear({day}), if(toMonth({day}) <= 6, 1, 7), 1)"
    return (f"multiIf(period_kind = 'month', toStartOfMonth({day}), period_kind = 'quarter', toStartOfQuarter({day}), "
            f"period_kind = 'semester', {semester}, toStartOfYear({day}))")


def replicate(client: Client, template: str, database: str, copies: int, weeks: int) -> dict[str, int]:
    """Fill every fact table of `database` from the template's rows; rows per table."""
    counts: dict[str, int] = {}
    for table in sorted(BASE_TABLES - {"offices", "services", "schema_migrations"}):
        started = time.perf_counter()
        columns = client.query(f"SELECT name, type FROM system.columns WHERE database = '{template}' "
                               f"AND table = '{table}' ORDER BY position").result_rows
        select = ", ".join(column_expression(str(name), str(kind)) for name, kind in columns)
        names = ", ".join(str(name) for name, _ in columns)
        for week in range(weeks):  # one week per insert: its rows fall in one or two monthly partitions
            client.command(f"INSERT INTO {database}.{table} ({names}) SELECT {select} FROM "
                           f"(SELECT *, {week} AS w FROM {template}.{table} FINAL) ARRAY JOIN range({copies}) AS c")
        counts[table] = int(client.query(f"SELECT count() FROM {database}.{table}").result_rows[0][0])
        print(f"  {table}: {counts[table]:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
    return counts


def copied_catalog(catalog: Catalog, copies: int) -> Catalog:
    """The template's offices, each `copies` times with the suffixes `replicate` gives them."""
    offices = tuple(office.model_copy(update={"id": f"{office.id}-{copy:03d}"})
                    for copy in range(copies) for office in catalog.offices)
    return catalog.model_copy(update={"offices": offices})


def rollups(client: Client, database: str) -> list[str]:
    """Tables and views beyond the base schema: the rollups of migration 0005 on (none before it)."""
    rows = client.query(f"SELECT name FROM system.tables WHERE database = '{database}' "
                        "AND NOT startsWith(name, '.inner')").result_rows
    return sorted(str(name) for (name,) in rows if name not in BASE_TABLES)


# The same figures (served and mean wait per office and period, for the whole history) from a rollup
# and from the ticket facts, as a report or a long-range panel would ask for them.
ROLLUP_QUESTIONS: dict[str, tuple[str, str]] = {
    "window_metrics_daily": (
        "SELECT office_id, day, sum(served), sum(wait_sum_s) / nullIf(sum(served), 0) FROM {db}.window_metrics_daily "
        "GROUP BY office_id, day",
        "SELECT office_id, toDate(ended_at), countIf(outcome != 'abandoned'), avgIf(wait_s, outcome != 'abandoned') "
        "FROM {db}.tickets FINAL GROUP BY office_id, toDate(ended_at)",
    ),
    "window_metrics_weekly": (
        "SELECT office_id, week, sum(served), sum(wait_sum_s) / nullIf(sum(served), 0) FROM {db}.window_metrics_weekly "
        "GROUP BY office_id, week",
        "SELECT office_id, toMonday(ended_at), countIf(outcome != 'abandoned'), avgIf(wait_s, outcome != 'abandoned') "
        "FROM {db}.tickets FINAL GROUP BY office_id, toMonday(ended_at)",
    ),
    "window_metrics_monthly": (
        "SELECT office_id, month, sum(served), sum(wait_sum_s) / nullIf(sum(served), 0) "
        "FROM {db}.window_metrics_monthly GROUP BY office_id, month",
        "SELECT office_id, toStartOfMonth(ended_at), countIf(outcome != 'abandoned'), "
        "avgIf(wait_s, outcome != 'abandoned') FROM {db}.tickets FINAL GROUP BY office_id, toStartOfMonth(ended_at)",
    ),
}


def compare_rollups(client: Client, database: str, names: list[str], runs: int) -> list[tuple[Any, ...]]:
    """Per known rollup: rows and median ms from it, and from `tickets FINAL` without it."""
    rows: list[tuple[Any, ...]] = []
    for name in names:
        if name not in ROLLUP_QUESTIONS:
            rows.append((name, "-", "-", "-", "-", "no question defined for this rollup"))
            continue
        with_rollup, without = (sql.replace("{db}", database) for sql in ROLLUP_QUESTIONS[name])
        _, rollup_ms, rollup_rows = timed(client, with_rollup, runs)
        _, raw_ms, raw_rows = timed(client, without, runs)
        rows.append((name, rollup_rows, rollup_ms, raw_rows, raw_ms, f"{raw_ms / rollup_ms:.1f}x"))
    return rows


def default_range(document: dict[str, Any], end: datetime) -> datetime:
    """Start of the dashboard's default time range, the history's end standing for `now`."""
    text = document["time"]["from"]
    if text == "now/M":
        return end.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    match = _RELATIVE.match(text)
    if match is None:
        raise SystemExit(f"unknown time range {text!r} of dashboard {document['uid']}")
    unit = {"h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
    return end - timedelta(**{unit: int(match.group(1))})


def selections(client: Client, document: dict[str, Any], start: datetime, end: datetime,
               office: str | None) -> dict[str, Selection]:
    """Variables as Grafana resolves them in order: All where offered, else the first option (or `office`)."""
    resolved: dict[str, Selection] = {}
    for variable in document["templating"]["list"]:
        name = variable["name"]
        if variable["type"] == "custom":
            options = tuple(value.strip() for value in variable["query"].split(","))
            resolved[name] = Selection(values=(variable["current"]["value"],), options=options)
            continue
        result = client.query(render_sql(variable["query"], resolved, time_range(start, end, None)))
        options = tuple(str(row[0]) for row in result.result_rows)
        if office is not None and name == "office" and office in options:
            resolved[name] = Selection(values=(office,), options=options)
        elif variable.get("includeAll"):
            resolved[name] = Selection(is_all=True, options=options, multi=True)
        else:
            resolved[name] = Selection(values=options[:1], options=options)
    return resolved


def timed(client: Client, sql: str, runs: int) -> tuple[float, float, int]:
    """(first run ms, median of the other runs ms, rows) of a query."""
    seconds: list[float] = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(client.query(sql).result_rows)
        seconds.append(time.perf_counter() - started)
    return 1000 * seconds[0], 1000 * statistics.median(seconds[1:] or seconds), rows


def time_panels(client: Client, database: str, end: datetime, year_start: datetime,
                runs: int, office: str) -> list[tuple[Any, ...]]:
    """One row per panel: dashboard#id title, rows, cold and median ms over the default range and the year."""
    results: list[tuple[Any, ...]] = []
    for name, document in all_dashboards(database=database).items():
        start = default_range(document, end)
        # every variable on All, except the office dashboard's office (it offers no All)
        variables = selections(client, document, year_start, end, office if name == "office" else None)
        for target in panel_targets({name: document}):
            figures: list[Any] = [f"{target.label[:48]}", document["time"]["from"]]
            for begin in (start, year_start):
                sql = render_sql(target.sql, variables, time_range(begin, end, target.interval))
                cold, median, rows = timed(client, sql, runs)
                figures += [rows, cold, median]
            figures.append(tables_read(target, database))
            results.append(tuple(figures))
    return results


def tables_read(target: PanelTarget, database: str) -> str:
    """The tables and views a panel reads, the catalog dimensions left out."""
    return ",".join(sorted(set(re.findall(rf"\b{database}\.(\w+)", target.sql)) - {"offices", "services"}))


def build_history(client: Client, copies: int, weeks: int) -> tuple[str, datetime, datetime, dict[str, int]]:
    """The template week and its copies; (database, first and last moment of the history, rows per table)."""
    template = f"tpl_{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    week = build_week(client, template)
    print(f"template week landed in {time.perf_counter() - started:.0f} s: {week.row_counts}", flush=True)
    database = "pantau"
    apply_migrations(client, database)
    sync_catalog(client, database, copied_catalog(week.catalog, copies))
    started = time.perf_counter()
    counts = replicate(client, template, database, copies, weeks)
    print(f"replicated x{copies} offices x{weeks} weeks in {time.perf_counter() - started:.0f} s: {counts}",
          flush=True)
    started = time.perf_counter()
    for table in counts:
        client.command(f"OPTIMIZE TABLE {database}.{table} FINAL")
    print(f"merged (OPTIMIZE FINAL) in {time.perf_counter() - started:.0f} s", flush=True)
    return database, week.start, week.end + timedelta(weeks=weeks - 1), counts


def print_panels(title: str, results: list[tuple[Any, ...]]) -> None:
    print(f"\n{title}")
    print_table(("panel", "default", "rows", "cold ms", "median ms", "year rows", "year cold ms", "year median ms",
                 "reads"), results)
    medians = [row[4] for row in results]
    year = [row[7] for row in results]
    print(f"panels: {len(results)}; default range: median {statistics.median(medians):,.0f} ms, "
          f"max {max(medians):,.0f} ms; whole year: median {statistics.median(year):,.0f} ms, max {max(year):,.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=40, help="copies of the 5 template offices (40: 200 offices)")
    parser.add_argument("--weeks", type=int, default=52, help="weeks of history")
    parser.add_argument("--runs", type=int, default=3, help="runs per query (the first is reported as cold)")
    args = parser.parse_args()
    versions = [f"{m.version:04d}_{m.name}" for m in load_migrations()]
    print(f"migrations shipped: {versions}")
    with tempfile.TemporaryDirectory() as name, clickhouse_session(EmbeddedTarget(path=Path(name) / "ch")) as client:
        database, first, last, counts = build_history(client, args.copies, args.weeks)
        office = f"MPP-JKT-01-{0:03d}"
        found = rollups(client, database)
        print(f"\ndashboard panels over {args.copies * 5} offices x {args.weeks} weeks ({first:%Y-%m-%d} .. "
              f"{last:%Y-%m-%d}), rows: {counts}; {machine()}")
        panels = time_panels(client, database, last, first, args.runs, office)
        print_panels("every panel, as the dashboards ship", panels)
        if not found:
            print("\nno rollup tables or views in the schema: every panel reads the fact tables")
            return
        print(f"\nrollups in the schema: {found}; one year, {args.copies * 5} offices, median of {args.runs} runs")
        print_table(("rollup", "rows", "ms", "rows from tickets", "ms from tickets FINAL", "rollup faster by"),
                    compare_rollups(client, database, found, args.runs))

if __name__ == "__main__":
    main()
