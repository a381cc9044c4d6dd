"""`pantau report --period 2026-10`: the periodic evaluation report as one HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dashboards.report.data import Table, load_report_data, socket_runner
from dashboards.report.period import Period, PeriodKind, parse_period
from dashboards.report.render import render_report
from pantau.cli.options import ClickHouseUrlOption, build_settings
from pantau.clickhouse import ClickHouseTarget, EmbeddedTarget, clickhouse_session, target_from_settings
from pantau.clickhouse.query_socket import query_via_socket
from pantau.errors import EmbeddedStoreBusyError, PantauError


def report(
    period: Annotated[str, typer.Option("--period", help="2026-10 (month), 2026-Q4 or 2026-10 (quarter), 2026.")],
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    kind: Annotated[str, typer.Option("--kind", help="month, quarter or year.")] = "month",
    region: Annotated[str | None, typer.Option("--region", help="One province; all when omitted.")] = None,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """Write the evaluation report (Bahasa Indonesia): ranking, IKM, SLA, complaints, fairness, formulas."""
    if kind not in ("month", "quarter", "year"):
        raise PantauError(f"--kind {kind!r}: choose month, quarter or year")
    if out.suffix.lower() not in (".html", ".htm"):
        raise PantauError(f"--out {out}: the report is HTML; name the file .html (print it to PDF from a browser)")
    chosen: PeriodKind = kind  # type: ignore[assignment]
    parsed = parse_period(period, chosen)
    settings = build_settings(clickhouse_url=clickhouse_url)
    target = target_from_settings(settings)
    data = _load(target, parsed, region, settings.report_timezone)
    if not data["ranking"].rows and not data["ikm"].rows:
        Console(stderr=True).print(f"warning: no tickets or IKM found for {parsed.label()}; the report is empty")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(data, parsed, region, None), encoding="utf-8")
    Console(stderr=True).print(f"wrote {out} ({parsed.label()}, {region or 'all provinces'})")


def _load(target: ClickHouseTarget, period: Period, region: str | None, timezone: str) -> dict[str, Table]:
    """The report's data from our own client, or through `pantau up`'s socket while it holds the embedded store."""
    try:
        with clickhouse_session(target) as client:
            return load_report_data(client, target.database, period, region, timezone)
    except EmbeddedStoreBusyError:
        if not isinstance(target, EmbeddedTarget) or query_via_socket(target.path, "SELECT 1") is None:
            raise
        return load_report_data(socket_runner(target.path), target.database, period, region, timezone)
