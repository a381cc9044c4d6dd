"""Pantau's five dashboards, as code. Each function returns the SDK builder of one dashboard."""

from __future__ import annotations

from collections.abc import Callable

from grafana_foundation_sdk.builders.dashboard import Dashboard, DashboardLink

from dashboards.grafana.board import Board
from dashboards.grafana.variables import period_kind_variable, scope_variables, timezone_variable
from dashboards.i18n import Lang
from dashboards.queries import complaints, ikm, office, pipeline, regional

OFFICE_UID = "pantau-office"
OFFICE_LINK = "/d/" + OFFICE_UID + "/?var-office=${__data.fields.office_id}&${__url_time_range}"


def _with_scope(board: Board, single_office: bool = False) -> None:
    for variable in scope_variables(board.lang, board.database, single_office=single_office):
        board.dashboard.with_variable(variable)


def _office_link(board: Board) -> list[DashboardLink]:
    return [DashboardLink(board.label("dash.office")).url(OFFICE_LINK)]


def regional_overview(lang: Lang, database: str) -> Dashboard:
    """Ringkasan Regional: per region and office, compliance vs target, waits, abandonment, complaints, IKM."""
    board = Board("pantau-regional", "dash.regional", lang, database, ["regional"])
    _with_scope(board)
    board.row("row.summary")
    board.add(board.stat("p.compliance", regional.SUMMARY, height=5))
    board.row("row.ranking")
    ranking = board.table("p.office_ranking", regional.OFFICE_RANKING, height=12)
    ranking.data_links(_office_link(board))
    board.add(ranking)
    board.add(board.table("p.regions", regional.REGIONS, width=12, height=7))
    fairness = board.table("p.fairness", office.FAIRNESS_BY_OFFICE, width=12, height=7)
    fairness.data_links(_office_link(board))
    board.add(fairness)
    board.row("row.trends")
    board.add(board.timeseries("p.compliance_trend", regional.COMPLIANCE_TREND, "percentunit").interval("1h"))
    board.add(board.timeseries("p.p90_trend", regional.P90_TREND, "m").interval("1h"))
    return board.dashboard


def office_detail(lang: Lang, database: str) -> Dashboard:
    """Detail Kantor: one office by service and counter."""
    board = Board(OFFICE_UID, "dash.office", lang, database, ["office"])
    _with_scope(board, single_office=True)
    board.dashboard.with_variable(timezone_variable(database))
    board.dashboard.time("now-24h", "now")
    board.row("row.live")
    board.add(board.stat("p.live_queue", office.LIVE_QUEUE, width=8, height=5))
    board.add(board.timeseries("p.breach_trend", office.BREACH_TREND, "short", width=16, height=5).interval("5m"))
    board.row("row.waits")
    board.add(board.table("p.waits_by_service", office.WAITS_BY_SERVICE, height=8))
    board.add(board.timeseries("p.wait_trend", office.WAIT_TREND, "m").interval("5m"))
    board.add(board.barchart("p.throughput_hour", office.THROUGHPUT_BY_HOUR, "hour", "short"))
    board.row("row.counters")
    board.add(board.table("p.counters", office.COUNTERS, width=12, height=9))
    board.add(board.table("p.late_openings", office.LATE_OPENINGS, width=12, height=9))
    board.add(board.table("p.staffing", office.STAFFING_GRID, width=24, height=12), "d.staffing")
    board.row("row.fairness")
    board.add(board.table("p.priority_waits", office.PRIORITY_WAITS, width=10, height=8))
    board.add(board.table("p.queue_jumps", office.QUEUE_JUMPS, width=14, height=8, colored=False))
    return board.dashboard


def complaints_board(lang: Lang, database: str) -> Dashboard:
    """Pengaduan: by category, channel and office; rate per 1,000; overdue responses; pungli."""
    board = Board("pantau-complaints", "dash.complaints", lang, database, ["complaints"])
    _with_scope(board)
    board.dashboard.time("now-30d", "now")
    board.row("row.summary")
    board.add(board.stat("p.complaints_summary", complaints.SUMMARY, height=5))
    board.add(board.barchart("p.by_category", complaints.BY_CATEGORY, "category", "short", width=12))
    board.add(board.barchart("p.by_channel", complaints.BY_CHANNEL, "channel", "short", width=12))
    by_office = board.table("p.by_office", complaints.BY_OFFICE, height=9)
    by_office.data_links(_office_link(board))
    board.add(by_office)
    board.add(board.timeseries("p.complaint_trend", complaints.TREND, "short", width=24).interval("1d"))
    board.row("row.detail")
    board.add(board.table("p.overdue", complaints.OVERDUE, width=12, height=9))
    board.add(board.table("p.pungli", complaints.PUNGLI, width=12, height=9, colored=False))
    return board.dashboard


def ikm_board(lang: Lang, database: str) -> Dashboard:
    """Evaluasi Berkala (IKM): IKM and NRR per unsur per period, grade, sample sufficiency, ranking."""
    board = Board("pantau-ikm", "dash.ikm", lang, database, ["ikm"])
    _with_scope(board)
    board.dashboard.with_variable(period_kind_variable(lang))
    board.dashboard.time("now/M", "now/M")
    board.row("row.summary")
    board.add(board.stat("p.ikm_summary", ikm.SUMMARY, width=12, height=5))
    board.add(board.barchart("p.nrr_unsur", ikm.NRR_BY_UNSUR, "unsur", "none", width=12, height=5))
    board.row("row.ranking")
    board.add(board.table("p.ikm_ranking", ikm.RANKING, height=10))
    board.add(board.table("p.nrr_office", ikm.NRR_BY_OFFICE, height=9))
    board.add(board.timeseries("p.ikm_trend", ikm.TREND, "none", width=24).interval("1d"))
    return board.dashboard


def pipeline_board(lang: Lang, database: str) -> Dashboard:
    """Kesehatan Pipeline: events/s, delivery lag, dead letters by reason, data freshness."""
    board = Board("pantau-pipeline", "dash.pipeline", lang, database, ["pipeline"])
    _with_scope(board)
    board.dashboard.time("now-6h", "now").refresh("30s")
    board.add(board.stat("p.pipeline_summary", pipeline.SUMMARY, height=4))
    board.add(board.timeseries("p.events_per_s", pipeline.EVENTS_PER_SECOND, "short").interval("1m"))
    board.add(board.timeseries("p.delivery_lag", pipeline.DELIVERY_LAG, "s").interval("1m"))
    board.add(board.table("p.dead_letters", pipeline.DEAD_LETTERS_BY_REASON, width=12, height=8))
    board.add(board.timeseries("p.dead_letter_trend", pipeline.DEAD_LETTER_TREND, "short").interval("5m"))
    board.add(board.table("p.freshness", pipeline.FRESHNESS, width=24, height=7), "d.freshness")
    return board.dashboard


DashboardFactory = Callable[[Lang, str], Dashboard]
ALL_DASHBOARDS: dict[str, DashboardFactory] = {
    "regional": regional_overview,
    "office": office_detail,
    "complaints": complaints_board,
    "ikm": ikm_board,
    "pipeline": pipeline_board,
}
