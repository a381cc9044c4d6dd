"""The evaluation report for October 2026, rendered in headless Chromium: a real page, not blank, whose
numbers are the SQL results (the same queries as the dashboards)."""

from __future__ import annotations

import math
import subprocess
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from clickhouse_connect.driver.client import Client
from PIL import Image
from typer.testing import CliRunner

from dashboards.report import fmt
from dashboards.report.coverage import describe_days
from dashboards.report.data import Table, load_report_data, socket_runner
from dashboards.report.pdf import write_pdf
from dashboards.report.period import PeriodError, parse_period
from dashboards.report.render import render_report
from pantau.cli import app
from pantau.clickhouse.query_socket import QueryServer
from tests.dashboards.seeded_week import SeededWeek

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


class FigureParser(HTMLParser):
    """Collects (query, column, row) -> shown text of every tagged figure."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[tuple[str, str, int], str] = {}
        self._open: tuple[str, str, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "span" and found.get("data-q"):
            self._open = (str(found["data-q"]), str(found["data-col"]), int(str(found["data-row"])))
            self.figures[self._open] = ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.figures[self._open] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._open = None


@pytest.fixture(scope="module")
def report(clickhouse: Client, seeded_week: SeededWeek, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    period = parse_period("2026-10", "month")
    data = load_report_data(clickhouse, seeded_week.database, period, None)
    folder = tmp_path_factory.mktemp("report")
    page = folder / "evaluasi-2026-10.html"
    page.write_text(render_report(data, period, None, None), encoding="utf-8")
    return {"data": data, "page": page, "folder": folder}


def _chromium(chromium: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_screenshot_is_not_blank(report: dict[str, Any], chromium: Path) -> None:
    shot = report["folder"] / "report.png"
    done = _chromium(
        chromium, report["folder"], f"--screenshot={shot}", "--window-size=1200,2400", report["page"].as_uri()
    )
    assert shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("L")
    histogram = image.histogram()
    non_white = sum(histogram[:240]) / (image.width * image.height)
    assert image.size == (1200, 2400)
    assert non_white > 0.02, f"only {non_white:.3%} of the page is not white"
    assert len([level for level, pixels in enumerate(histogram) if pixels]) > 20  # text, bars, colours


def _close(shown: str, expected: Any) -> bool:
    value = fmt.parse(shown)
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return value is None
    decimals = len(shown.rstrip("%").split(",")[1]) if "," in shown else 0
    scale = 100.0 if shown.endswith("%") else 1.0
    return value is not None and abs(value - float(expected)) <= 0.5 * 10**-decimals / scale + 1e-9


def test_numbers_in_the_page_are_the_sql_results(report: dict[str, Any], chromium: Path) -> None:
    done = _chromium(chromium, report["folder"], "--dump-dom", report["page"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    parser = FigureParser()
    parser.feed(done.stdout)
    data: dict[str, Table] = report["data"]
    assert len(parser.figures) > 200
    checked = 0
    for (query, column, row), shown in parser.figures.items():
        expected = data[query].records()[row][column]
        if isinstance(expected, int | float) and not isinstance(expected, bool) and column not in ("below_min_sample",):
            assert _close(shown, expected), f"{query}[{row}].{column}: page {shown!r}, SQL {expected!r}"
            checked += 1
    assert checked > 150
    offices = {r["office_id"] for r in data["ranking"].records()}
    assert offices == {"MPP-JKT-01", "DUKCAPIL-JKT-TIM", "MPP-BDG-01", "MPP-DPS-01", "MPP-JYP-01"}
    below = [r for r in data["ikm"].records() if r["below_min_sample"]]
    assert below, "the seeded week has offices below the minimum sample"
    for record in below:  # shown apart: no grade, no rank, in the ikm table or the ranking
        index = data["ikm"].records().index(record)
        assert ("ikm", "mutu", index) not in parser.figures and ("ikm", "rank", index) not in parser.figures
        assert ("ikm", "respondents", index) in parser.figures
        ranked = [i for i, r in enumerate(data["ranking"].records()) if r["office_id"] == record["office_id"]]
        assert all(parser.figures[("ranking", "mutu", i)] == "sampel belum cukup" for i in ranked if
                   ("ranking", "mutu", i) in parser.figures)
    assert "sampel belum cukup" in done.stdout and "FINAL" not in done.stdout and "kueri" not in done.stdout


def test_headline_count_matches_an_independent_query(
    report: dict[str, Any], clickhouse: Client, seeded_week: SeededWeek
) -> None:
    period = parse_period("2026-10")
    window = period.time_range()
    direct = clickhouse.query(
        f"SELECT countIf(outcome != 'abandoned') FROM {seeded_week.database}.tickets FINAL "
        "WHERE ended_at >= {a:DateTime64(3)} AND ended_at <= {b:DateTime64(3)}",
        parameters={"a": window.start.replace(tzinfo=None), "b": window.end.replace(tzinfo=None)},
    ).result_rows[0][0]
    assert report["data"]["summary"].first()["completed"] == direct > 0
    assert "Oktober 2026" in report["page"].read_text(encoding="utf-8")


@pytest.mark.parametrize("timezone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
def test_a_month_shows_its_own_ikm_and_no_neighbour(clickhouse: Client, seeded_week: SeededWeek, timezone: str) -> None:
    """The week's IKM is October's; from local midnight in any zone, November and September have none."""
    october = load_report_data(clickhouse, seeded_week.database, parse_period("2026-10"), None, timezone)
    assert {r["period"] for r in october["ikm"].records()} == {date(2026, 10, 1)}
    assert len(october["ikm"].rows) == len(seeded_week.catalog.offices)
    assert october["summary"].first()["ikm"] is not None
    for neighbour in ("2026-09", "2026-11"):
        data = load_report_data(clickhouse, seeded_week.database, parse_period(neighbour), None, timezone)
        assert data["ikm"].rows == [] and data["nrr_office"].rows == [], neighbour
        assert data["summary"].first()["ikm"] is None, neighbour


def test_report_through_the_socket_of_the_process_holding_the_store(
    report: dict[str, Any], clickhouse: Client, seeded_week: SeededWeek, tmp_path: Path
) -> None:
    """While `pantau up` holds the embedded store, the report's queries go through its socket, same figures."""
    server = QueryServer(clickhouse, tmp_path / "ch")
    server.start()
    try:
        runner = socket_runner(tmp_path / "ch")
        forwarded = load_report_data(runner, seeded_week.database, parse_period("2026-10"), None)
    finally:
        server.stop()
    direct: dict[str, Table] = report["data"]
    for name in ("summary", "ranking", "ikm", "complaints", "fairness"):
        assert len(forwarded[name].rows) == len(direct[name].rows) > 0, name
        for ours, theirs in zip(forwarded[name].records(), direct[name].records(), strict=True):
            numbers = {k: v for k, v in theirs.items() if isinstance(v, int | float)}
            assert {k: ours[k] for k in numbers} == pytest.approx(numbers, nan_ok=True), name
    page = render_report(forwarded, parse_period("2026-10"), None, None)
    assert "Mal Pelayanan Publik" in page and "Tidak ada data" not in page.split("<h2>4.")[0]


def test_period_parsing_and_cli_errors(tmp_path: Path) -> None:
    assert parse_period("2026-Q4", "quarter").label() == parse_period("2026-Q4").label() == "Triwulan IV 2026"
    assert parse_period("2026").kind == "year" and parse_period("2026-10").kind == "month"
    with pytest.raises(PeriodError, match="names a quarter"):
        parse_period("2026-Q4", "month")
    assert parse_period("2026-11", "quarter").start.month == 10
    assert parse_period("2026", "year").end.year == 2027
    assert parse_period("2026-12").end.isoformat() == "2027-01-01"
    with pytest.raises(PeriodError):
        parse_period("Oktober")
    result = CliRunner().invoke(app, ["report", "--period", "2026-13", "--out", str(tmp_path / "r.html")])
    assert result.exit_code != 0 and isinstance(result.exception, PeriodError)


def test_the_report_recommends_counters_for_the_understaffed_hours(report: dict[str, Any], chromium: Path) -> None:
    """Section 7 lists the hours short of counters from `staffing`, with the method and its assumptions."""
    shortfalls = report["data"]["staffing"].records()
    assert shortfalls, "the seeded week has hours short of counters"
    assert all(row["counters_needed"] > round(row["counters_open"]) for row in shortfalls)
    assert all(row["service_level_needed"] >= row["service_level_now"] for row in shortfalls)
    assert {row["day"] for row in shortfalls} <= {"Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"}
    done = _chromium(chromium, report["folder"], "--dump-dom", report["page"].as_uri())
    assert "7. Rekomendasi jumlah loket" in done.stdout and "Erlang C" in done.stdout
    assert "tidak ada warga yang pergi" in done.stdout, "the model's assumptions are stated"
    parser = FigureParser()
    parser.feed(done.stdout)
    assert parser.figures[("staffing", "day", 0)] == shortfalls[0]["day"]


def test_the_pdf_is_a4_paged_numbered_and_carries_the_figures(report: dict[str, Any], chromium: Path) -> None:
    out = report["folder"] / "evaluasi-2026-10.pdf"
    write_pdf(report["page"].read_text(encoding="utf-8"), out, chromium)
    document = pdfium.PdfDocument(out)
    pages = len(document)
    assert 2 <= pages <= 30, pages
    texts = []
    for index in range(pages):
        page = document[index]
        width, height = page.get_size()
        assert abs(width - 595) < 2 and abs(height - 842) < 2, (width, height)  # A4 in points
        texts.append(page.get_textpage().get_text_range())
        image: Image.Image = page.render(scale=0.5).to_pil().convert("L")
        non_white = sum(image.histogram()[:240]) / (image.width * image.height)
        assert non_white > 0.005, f"page {index + 1} is blank"
    everything = "\n".join(texts)
    assert all(f"Halaman {i + 1} dari {pages}" in text for i, text in enumerate(texts))
    assert all("Oktober 2026" in text and "Semua provinsi" in text for text in texts)  # header on every page
    summary = report["data"]["summary"].first()
    assert fmt.number(summary["completed"], 0) in everything
    assert fmt.number(summary["ikm"], 2) in everything


def test_a_month_with_one_week_of_data_is_marked_partial(report: dict[str, Any]) -> None:
    """The seeded week fills 7 of October's 31 days: the page says so and names the days."""
    days = sorted(d for (d,) in report["data"]["days"].rows)
    assert 1 <= len(days) < 31
    page = report["page"].read_text(encoding="utf-8")
    assert f"Data sebagian:</b> hanya {len(days)} dari 31 hari" in page
    assert describe_days(days) in page and "Oktober 2026" in describe_days(days)
    full = render_report({**report["data"], "days": Table(("day",), [(date(2026, 10, d),) for d in range(1, 32)])},
                         parse_period("2026-10"), None, None)
    assert "Data sebagian" not in full


def test_generated_time_is_local_with_its_zone_and_days_read_as_runs(report: dict[str, Any]) -> None:
    moment = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
    page = render_report(report["data"], parse_period("2026-10"), None, moment, "Asia/Makassar")
    assert "Dibuat 2026-11-02 09:30 WITA (Asia/Makassar)" in page and "UTC" not in page.split("<h2>")[0]
    assert describe_days([date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 9)]) == (
        "5-6 Oktober 2026, 9 Oktober 2026")
