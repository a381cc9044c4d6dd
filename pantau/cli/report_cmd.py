"""`pantau report --period 2026-10`: the periodic evaluation report as one HTML page or a printable PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from clickhouse_connect.driver.exceptions import DatabaseError
from rich.console import Console

from dashboards.report.data import Table, load_report_data, socket_runner
from dashboards.report.pdf import find_chromium, write_pdf
from dashboards.report.period import Period, PeriodKind, parse_period
from dashboards.report.render import render_report
from pantau.catalog.loader import load_catalog
from pantau.cli.options import ClickHouseUrlOption, build_settings
from pantau.clickhouse import ClickHouseTarget, EmbeddedTarget, clickhouse_session, target_from_settings
from pantau.clickhouse.query_socket import query_via_socket
from pantau.errors import ClickHouseError, EmbeddedStoreBusyError, PantauError

# ClickHouse's codes for a missing database and a missing table: a store no `pantau up` has filled yet.
_NO_SCHEMA = ("UNKNOWN_DATABASE", "UNKNOWN_TABLE")


class ReportDataError(PantauError):
    """The store holds no Pantau data (no schema, or no rows for the period): nothing to report on."""


def report(
    period: Annotated[str, typer.Option(
        "--period", help="2026-10 (a month), 2026-Q4 (a quarter) or 2026 (a year); the kind follows from it.")],
    out: Annotated[Path, typer.Option(
        "--out", help="File to write: .html (a page) or .pdf (A4, for printing; needs Chromium, PANTAU_CHROMIUM).")],
    kind: Annotated[str | None, typer.Option(
        "--kind", help="Only for 2026-10 meaning its quarter (--kind quarter); otherwise set by --period.")] = None,
    region: Annotated[str | None, typer.Option(
        "--region", help="One province of the catalog, e.g. 'DKI Jakarta' (case aside); all when omitted.")] = None,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """Write the evaluation report (Bahasa Indonesia): ranking, IKM, SLA, complaints, fairness, formulas."""
    if kind is not None and kind not in ("month", "quarter", "year"):
        raise PantauError(f"--kind {kind!r}: choose month, quarter or year")
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise PantauError(f"--out {out}: name the file .html (a web page) or .pdf (for printing)")
    chosen: PeriodKind | None = kind  # type: ignore[assignment]
    parsed = parse_period(period, chosen)
    flags_only = build_settings(clickhouse_url=clickhouse_url)  # the flags are judged before any store is sought
    region = _known_region(region, flags_only.catalog)
    chromium = find_chromium(flags_only.chromium) if suffix == ".pdf" else None  # before the queries: fail fast
    settings = build_settings(reads_store=True, clickhouse_url=clickhouse_url)
    target = target_from_settings(settings)
    data = _load(target, parsed, region, settings.report_timezone, settings.dashboards_min_tickets)
    if not data["ranking"].rows and not data["ikm"].rows:
        raise ReportDataError(
            f"no tickets or IKM for {parsed.label()} ({region or 'all provinces'}) in {target.describe()}: "
            "pick a period with data, or feed this store with `pantau up` (or `pantau replay`)"
        )
    page = render_report(data, parsed, region, None, settings.report_timezone)
    out.parent.mkdir(parents=True, exist_ok=True)
    if chromium is not None:
        write_pdf(page, out, chromium)
    else:
        out.write_text(page, encoding="utf-8")
    Console(stderr=True).print(f"wrote {out} ({parsed.label()}, {region or 'all provinces'}; {target.describe()})")


def _known_region(region: str | None, catalog: Path | None) -> str | None:
    """The catalog's spelling of `region` (case and spaces aside); an unknown one is an error listing the known."""
    if region is None:
        return None
    known = sorted({office.region for office in load_catalog(catalog).offices})
    for name in known:
        if " ".join(name.casefold().split()) == " ".join(region.casefold().split()):
            return name
    raise PantauError(f"--region {region!r} is not a province of the catalog; known: {', '.join(known)}")


def _load(
    target: ClickHouseTarget, period: Period, region: str | None, timezone: str, min_tickets: int
) -> dict[str, Table]:
    """The report's data from our own client, or through `pantau up`'s socket while it holds the embedded store."""
    try:
        try:
            with clickhouse_session(target) as client:
                return load_report_data(client, target.database, period, region, timezone, min_tickets)
        except EmbeddedStoreBusyError:
            if not isinstance(target, EmbeddedTarget) or query_via_socket(target.path, "SELECT 1") is None:
                raise
            return load_report_data(
                socket_runner(target.path), target.database, period, region, timezone, min_tickets
            )
    except (DatabaseError, ClickHouseError) as exc:
        if isinstance(exc, EmbeddedStoreBusyError) or not any(code in str(exc) for code in _NO_SCHEMA):
            raise
        raise ReportDataError(
            f"no Pantau data here: {target.describe()} has no database {target.database!r} with Pantau's tables; "
            "run `pantau up` (it creates them and fills them), or point PANTAU_CLICKHOUSE_URL at a filled store"
        ) from exc
