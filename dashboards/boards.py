"""Pantau's five dashboards, as code. Each function returns the SDK builder of one dashboard.

The four area boards (several offices, All allowed) share the `pantau-area` tag and the dashboards
dropdown, which carries the selections along; Detail Kantor (one office, no All) is reached through the
office rows' data links, which name the office and keep the other selections and the time range.
"""

from __future__ import annotations

from collections.abc import Callable

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards.grafana.board import Board
from dashboards.grafana.datasource import DataLink
from dashboards.grafana.variables import period_kind_variable, scope_variables, timezone_variable
from dashboards.i18n import Lang
from dashboards.queries import complaints, ikm, office, pipeline, regional
from dashboards.queries.model import DEFAULT_MIN_TICKETS

OFFICE_UID = "pantau-office"
# `${var:queryparam}` is Grafana's var-<name>=<value> for each selected value ($__all for All), so the
# office opens with the region, district and service chosen here.
OFFICE_LINK = (
    "/d/" + OFFICE_UID + "/?var-office=${__data.fields.office_id}"
    "&${region:queryparam}&${district:queryparam}&${service:queryparam}&${__url_time_range}"
)


def _with_scope(board: Board, single_office: bool = False) -> None:
    for variable in scope_variables(board.lang, board.database, single_office=single_office):
        board.dashboard.with_variable(variable)


def _office_link(board: Board) -> list[DataLink]:
    return [DataLink(board.label("dash.office"), OFFICE_LINK)]


def regional_overview(lang: Lang, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> Dashboard:
    """Ringkasan Regional: per region and office, compliance vs target, waits, abandonment, complaints, IKM."""
    board = Board("pantau-regional", "dash.regional", lang, database, ["regional"], min_tickets, refresh="1m")
    _with_scope(board)
    board.row("row.summary")
    board.add(board.stat("p.compliance", regional.SUMMARY, height=5))
    board.row("row.ranking")
    ranking = board.table("p.office_ranking", regional.OFFICE_RANKING, height=12)
    ranking.data_links(_office_link(board))
    board.add(ranking)
    live = board.table("p.live_by_office", office.LIVE_QUEUE_BY_OFFICE, width=8, height=8)
    live.data_links(_office_link(board))
    board.add(live)
    board.add(board.table("p.regions", regional.REGIONS, width=16, height=8))
    fairness = board.table("p.fairness", office.FAIRNESS_BY_OFFICE, width=24, height=7)
    fairness.data_links(_office_link(board))
    board.add(fairness)
    board.row("row.trends")
    board.add(board.timeseries("p.compliance_trend", regional.COMPLIANCE_TREND, "percentunit", "1h"))
    board.add(board.timeseries("p.p90_trend", regional.P90_TREND, "m", "1h"))
    return board.dashboard


def office_detail(lang: Lang, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> Dashboard:
    """Detail Kantor: one office by service and counter."""
    board = Board(OFFICE_UID, "dash.office", lang, database, ["office"], min_tickets, refresh="1m", area=False)
    _with_scope(board, single_office=True)
    board.dashboard.with_variable(timezone_variable(database))
    board.dashboard.time("now-24h", "now")
    board.row("row.live")
    board.add(board.stat("p.live_queue", office.LIVE_QUEUE, width=6, height=5))
    board.add(board.stat("p.voice", office.VOICE, width=18, height=5))
    board.add(board.timeseries("p.arrivals_served", office.ARRIVALS_VS_SERVED, "short", "15m", width=12))
    board.add(board.timeseries("p.breach_trend", office.BREACH_TREND, "short", "15m", width=12))
    board.row("row.waits")
    board.add(board.table("p.waits_by_service", office.WAITS_BY_SERVICE, height=8))
    board.add(board.timeseries("p.wait_trend", office.WAIT_TREND, "m", "15m"))
    board.add(board.barchart("p.throughput_hour", office.THROUGHPUT_BY_HOUR, "hour", "short"))
    board.add(board.table("p.wait_heatmap", office.WAIT_HEATMAP, width=24, height=12))
    board.row("row.counters")
    board.add(board.table("p.counters", office.COUNTERS, width=12, height=9))
    board.add(board.table("p.late_openings", office.LATE_OPENINGS, width=12, height=9))
    board.add(board.table("p.staffing", office.STAFFING_GRID, width=24, height=12))
    board.row("row.fairness")
    board.add(board.table("p.priority_waits", office.PRIORITY_WAITS, width=10, height=8))
    board.add(board.table("p.queue_jumps", office.QUEUE_JUMPS, width=14, height=8, colored=False))
    return board.dashboard


def complaints_board(lang: Lang, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> Dashboard:
    """Pengaduan: by category, channel and office; rate per 1,000; overdue responses; pungli."""
    board = Board("pantau-complaints", "dash.complaints", lang, database, ["complaints"], min_tickets)
    _with_scope(board)
    board.dashboard.time("now-30d", "now")
    board.row("row.summary")
    board.add(board.stat("p.complaints_summary", complaints.SUMMARY, height=5))
    board.add(board.barchart("p.by_category", complaints.BY_CATEGORY, "category", "short", width=12))
    board.add(board.barchart("p.by_channel", complaints.BY_CHANNEL, "channel", "short", width=12))
    by_office = board.table("p.by_office", complaints.BY_OFFICE, height=9)
    by_office.data_links(_office_link(board))
    board.add(by_office)
    board.add(board.timeseries("p.complaint_trend", complaints.TREND, "short", "1d", width=24))
    board.row("row.detail")
    board.add(board.table("p.overdue", complaints.OVERDUE, width=12, height=9))
    board.add(board.table("p.pungli", complaints.PUNGLI, width=12, height=9, colored=False))
    return board.dashboard


def ikm_board(lang: Lang, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> Dashboard:
    """Evaluasi Berkala (IKM): IKM and NRR per unsur per period, grade, sample sufficiency, ranking."""
    board = Board("pantau-ikm", "dash.ikm", lang, database, ["ikm"], min_tickets)
    _with_scope(board)
    board.dashboard.with_variable(period_kind_variable(lang))
    board.dashboard.time("now/M", "now/M")
    board.row("row.summary")
    board.add(board.stat("p.ikm_summary", ikm.SUMMARY, width=12, height=5))
    board.add(board.barchart("p.nrr_unsur", ikm.NRR_BY_UNSUR, "unsur", "none", width=12, height=5))
    board.row("row.ranking")
    board.add(board.table("p.ikm_ranking", ikm.RANKING, height=10))
    board.add(board.table("p.nrr_office", ikm.NRR_BY_OFFICE, height=9))
    # The board shows one month; the trend its twelve (a panel relative time, shown in its header).
    trend = board.timeseries("p.ikm_trend", ikm.TREND, "none", "1d", width=24, gaps=False)
    trend.time_from("12M").hide_time_override(False)
    board.add(trend)
    return board.dashboard


def pipeline_board(lang: Lang, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> Dashboard:
    """Kesehatan Pipeline: events/s, delivery lag, dead letters by reason, data freshness."""
    board = Board("pantau-pipeline", "dash.pipeline", lang, database, ["pipeline"], min_tickets, refresh="30s")
    _with_scope(board)
    board.dashboard.time("now-6h", "now")
    board.add(board.stat("p.pipeline_summary", pipeline.SUMMARY, height=4))
    board.add(board.timeseries("p.events_per_s", pipeline.EVENTS_PER_SECOND, "short", "1m"))
    board.add(board.timeseries("p.delivery_lag", pipeline.DELIVERY_LAG, "s", "1m"))
    board.add(board.table("p.dead_letters", pipeline.DEAD_LETTERS_BY_REASON, width=12, height=8))
    board.add(board.timeseries("p.dead_letter_trend", pipeline.DEAD_LETTER_TREND, "short", "5m"))
    board.add(board.table("p.freshness", pipeline.FRESHNESS, width=24, height=7))
    return board.dashboard


DashboardFactory = Callable[[Lang, str, int], Dashboard]
ALL_DASHBOARDS: dict[str, DashboardFactory] = {
    "regional": regional_overview,
    "office": office_detail,
    "complaints": complaints_board,
    "ikm": ikm_board,
    "pipeline": pipeline_board,
}
