"""Runs the dashboards' queries for the report's period and region, exactly as Grafana would."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clickhouse_connect.driver.client import Client

from dashboards.expand import render_sql
from dashboards.interpolation import Selection
from dashboards.queries import complaints, ikm, office, regional
from dashboards.queries.model import DEFAULT_MIN_TICKETS, Query
from dashboards.report.coverage import DAYS_WITH_DATA, with_zone
from dashboards.report.period import Period
from pantau.clickhouse.query_socket import query_via_socket
from pantau.errors import PantauError

# Every figure in the report, by name: the same Query objects the dashboard panels use.
REPORT_QUERIES: dict[str, Query] = {
    "summary": regional.SUMMARY,
    "ranking": regional.OFFICE_RANKING,
    "ikm": ikm.RANKING,
    "nrr_unsur": ikm.NRR_BY_UNSUR,
    "nrr_office": ikm.NRR_BY_OFFICE,
    "services": office.WAITS_BY_SERVICE,
    "complaints": complaints.SUMMARY,
    "complaint_categories": complaints.BY_CATEGORY,
    "complaint_offices": complaints.BY_OFFICE,
    "overdue": complaints.OVERDUE,
    "pungli": complaints.PUNGLI,
    "fairness": office.FAIRNESS_BY_OFFICE,
    "priority": office.PRIORITY_WAITS,
    "staffing": office.STAFFING_SHORTFALLS,
    "days": DAYS_WITH_DATA,  # the report's own: which days hold data (a partial period is marked)
}


@dataclass(frozen=True)
class Table:
    """A query's result: column names and rows."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def first(self) -> dict[str, Any]:
        records = self.records()
        return records[0] if records else {column: None for column in self.columns}


def report_variables(period: Period, region: str | None) -> dict[str, Selection]:
    """Variables as a dashboard user would set them: one region (or All), everything else All."""
    every = Selection(is_all=True, multi=True)
    return {
        "region": Selection(values=(region,), multi=True) if region else every,
        "district": every,
        "office": every,
        "service": every,
        "period_kind": Selection(values=(period.kind,)),
    }


def rendered_queries(
    database: str, period: Period, region: str | None, timezone: str, min_tickets: int = DEFAULT_MIN_TICKETS
) -> dict[str, str]:
    """The final SQL of every report figure; `min_tickets` is the minimum volume for an office to be ranked."""
    variables = report_variables(period, region)
    time_range = period.time_range(timezone)
    return {
        name: render_sql(with_zone(q.for_database(database, min_tickets), timezone), variables, time_range)
        for name, q in REPORT_QUERIES.items()
    }


# Runs one final SQL statement and returns its rows; e.g. a query forwarded to `pantau up`'s socket.
QueryRunner = Callable[[str], Sequence[Sequence[Any]]]


def socket_runner(data_dir: Path) -> QueryRunner:
    """Run each statement through the socket of the process holding the embedded store at `data_dir`
    (`pantau up`), so a report can be written while the pipeline runs."""

    def run(sql: str) -> list[list[Any]]:
        answer = query_via_socket(data_dir, sql)
        if answer is None:
            raise PantauError(f"no process serves queries for {data_dir} (is `pantau up` still running?)")
        return answer[1]

    return run


def load_report_data(
    source: Client | QueryRunner,
    database: str,
    period: Period,
    region: str | None,
    timezone: str = "Asia/Jakarta",
    min_tickets: int = DEFAULT_MIN_TICKETS,
) -> dict[str, Table]:
    """Run every report query; the figures in the page are these rows, nothing recomputed in Python.

    `source` is a ClickHouse client, or a function running one statement (for a store another process holds).
    """
    run: QueryRunner = (lambda sql: source.query(sql).result_rows) if isinstance(source, Client) else source
    tables = {}
    for name, sql in rendered_queries(database, period, region, timezone, min_tickets).items():
        tables[name] = Table(REPORT_QUERIES[name].columns, [tuple(row) for row in run(sql)])
    return tables
