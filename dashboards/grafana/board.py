"""A small layer over grafana-foundation-sdk's Dashboard builder: numbered panels, localized titles,
descriptions and columns, the ClickHouse target, and column styles applied the way Grafana renders them.

How Grafana treats what is written here (the rule tests in tests/dashboards/test_rendering_rules.py
hold the JSON to it):
- a time series whose rows are (time, label, value) reaches Grafana as one field per label value, all
  named like the value column (the plugin's long-to-wide conversion); a by-name override on that column
  matches every line, so lines are named from their label (`${__field.labels.<label>}`) in the defaults
  and coloured from the palette, with the style's thresholds drawn as lines, never as series colours;
- stat tiles reduce every field, text ones too (`reduceOptions.fields`), on neutral defaults: only
  columns with a style are coloured;
- a table cell is coloured only with a coloured cell type, for threshold and value-mapping colours alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grafana_foundation_sdk.builders import barchart, stat, table, timeseries
from grafana_foundation_sdk.builders.common import GraphThresholdsStyleConfig, ReduceDataOptions, VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard, DashboardLink, FieldColor, Row, ThresholdsConfig
from grafana_foundation_sdk.builders.dashboard import Panel as PanelBuilder
from grafana_foundation_sdk.models.common import (
    BigValueColorMode,
    BigValueGraphMode,
    BigValueTextMode,
    GraphThresholdsStyleMode,
    LegendDisplayMode,
    LegendPlacement,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DashboardLinkType,
    DynamicConfigValue,
    FieldColorModeId,
    GridPos,
    Threshold,
    ThresholdsMode,
    ValueMap,
    ValueMappingResult,
)

from dashboards.grafana.datasource import ClickHouseQuery, ClickHouseQueryBuilder, datasource_ref
from dashboards.grafana.fields import COLUMN_STYLES
from dashboards.grafana.rangeutil import duration_ms
from dashboards.i18n import COMPLAINT_CATEGORIES, Lang, has, t
from dashboards.queries.model import DEFAULT_MIN_TICKETS, Query, QueryFormat
from dashboards.queries.scope import AREA_ZONE

AREA_TAG = "pantau-area"
"""Tag of the boards that take several offices (All allowed): the only targets of the dashboards dropdown."""

UNSUR_CODES = tuple(f"U{i}" for i in range(1, 10))
# Values that read better translated (priority groups, grades, breach kinds, complaint categories, unsur).
_VALUE_TEXTS = {
    "grp": ("regular", "elderly", "disability", "pregnant", "child"),
    "mutu": ("A", "B", "C", "D"),
    "kind": ("live_wait", "completed_wait"),
    "category": COMPLAINT_CATEGORIES,
    "unsur": UNSUR_CODES,
}
# Columns that reach Grafana as series labels, translated in the SQL (value mappings never see labels).
_SERIES_TEXTS = ("kind", "category")
_MUTU_COLORS = {"A": "green", "B": "yellow", "C": "orange", "D": "red"}
# 0/1 flags shown as words, the flagged value coloured.
_FLAGS = {"below_min_sample": ("v.sufficient", "v.below"), "low_volume": ("v.enough_volume", "v.low_volume")}
# Text-coloured cells: grades and flags carry their colour in value mappings, not thresholds.
_TEXT_COLORED = ("mutu", *_FLAGS)
# Sub-daily lines break where no row comes for longer than this (closed hours, nights, weekends).
GAP_MS = 3_600_000
NEUTRAL = "text"


def series_texts(lang: Lang) -> Mapping[str, Mapping[str, str]]:
    """The translations of the label columns, for `Query.for_board`."""
    return {column: {value: t(f"v.{value}", lang) for value in _VALUE_TEXTS[column]} for column in _SERIES_TEXTS}


class Board:
    """One dashboard being built: keeps panel ids unique and labels in one language."""

    def __init__(
        self,
        uid: str,
        title_key: str,
        lang: Lang,
        database: str,
        tags: list[str],
        min_tickets: int = DEFAULT_MIN_TICKETS,
        refresh: str = "",
        area: bool = True,
    ) -> None:
        self.lang = lang
        self.database = database
        self.min_tickets = min_tickets
        self._next_id = 1
        self.dashboard = (
            Dashboard(t(title_key, lang))
            .uid(uid)
            .tags(["pantau", *([AREA_TAG] if area else []), *tags])
            .timezone(AREA_ZONE)
            .time("now-7d", "now")
            .tooltip(DashboardCursorSync.CROSSHAIR)
            .readonly()  # provisioned with allowUiUpdates: false, so an edit could never be saved
            .link(
                DashboardLink(t("folder", lang))
                .type(DashboardLinkType.DASHBOARDS)
                .tags([AREA_TAG])
                .as_dropdown(True)
                .include_vars(True)
                .keep_time(True)
            )
        )
        if refresh:
            self.dashboard.refresh(refresh)

    def label(self, key: str) -> str:
        return t(key, self.lang)

    def row(self, key: str) -> None:
        self.dashboard.with_row(Row(self.label(key)).id(self._take_id()))

    def _take_id(self) -> int:
        panel_id = self._next_id
        self._next_id += 1
        return panel_id

    def _common(self, builder: Any, title_key: str, query: Query, width: int, height: int) -> Any:
        sql = query.for_board(self.database, self.min_tickets, series_texts(self.lang))
        target = ClickHouseQueryBuilder(ClickHouseQuery(sql, "A", query.format))
        builder.id(self._take_id()).title(self.label(title_key)).datasource(datasource_ref())
        builder.description(self.label("d." + title_key.removeprefix("p.")))
        builder.with_target(target).grid_pos(GridPos(h=height, w=width))
        return builder

    def _override_columns(self, builder: Any, columns: tuple[str, ...], cell_types: bool, colored: bool) -> None:
        for column in columns:
            properties = self._column_properties(column, colored)
            style = COLUMN_STYLES.get(column)
            if cell_types and colored and column in _TEXT_COLORED:
                properties.append(DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-text"}))
            elif cell_types and colored and style is not None and style.steps:
                properties.append(
                    DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background", "mode": "basic"})
                )
            if properties:
                builder.override_by_name(column, properties)

    def _column_properties(self, column: str, colored: bool = True) -> list[DynamicConfigValue]:
        properties = []
        if has(f"c.{column}"):
            properties.append(DynamicConfigValue(id_val="displayName", value=self.label(f"c.{column}")))
        style = COLUMN_STYLES.get(column)
        if style is not None:
            properties.append(DynamicConfigValue(id_val="unit", value=style.unit))
            if style.decimals is not None:
                properties.append(DynamicConfigValue(id_val="decimals", value=style.decimals))
            if style.steps and colored:
                properties.append(DynamicConfigValue(id_val="thresholds", value=style.thresholds().build()))
                properties.append(DynamicConfigValue(id_val="color", value={"mode": "thresholds"}))
        if column in _VALUE_TEXTS:
            options = {
                value: ValueMappingResult(text=self.label(f"v.{value}"), color=_MUTU_COLORS.get(value), index=index)
                for index, value in enumerate(_VALUE_TEXTS[column])
            }
            properties.append(DynamicConfigValue(id_val="mappings", value=[ValueMap(options=options)]))
        if column in _FLAGS:
            ok, flagged = _FLAGS[column]
            options = {
                "0": ValueMappingResult(text=self.label(ok), color=NEUTRAL, index=0),
                "1": ValueMappingResult(text=self.label(flagged), color="orange", index=1),
            }
            properties.append(DynamicConfigValue(id_val="mappings", value=[ValueMap(options=options)]))
        return properties

    def add(self, panel: PanelBuilder | Any) -> None:
        self.dashboard.with_panel(panel)

    def stat(self, title_key: str, query: Query, width: int = 24, height: int = 4) -> Any:
        panel = (
            stat.Panel()
            .graph_mode(BigValueGraphMode.NONE)
            .color_mode(BigValueColorMode.VALUE)
            .text_mode(BigValueTextMode.VALUE_AND_NAME)
            .orientation(VizOrientation.AUTO)
            .reduce_options(ReduceDataOptions().values(False).calcs(["lastNotNull"]).fields("/.*/"))
            .thresholds(ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps([Threshold(value=None, color=NEUTRAL)]))
            .color_scheme(FieldColor().mode(FieldColorModeId.THRESHOLDS))
        )
        self._common(panel, title_key, query, width, height)
        self._override_columns(panel, query.columns, cell_types=False, colored=True)
        return panel

    def table(self, title_key: str, query: Query, width: int = 24, height: int = 10, colored: bool = True) -> Any:
        panel = self._common(table.Panel().filterable(True), title_key, query, width, height)
        self._override_columns(panel, query.columns, cell_types=True, colored=colored)
        return panel

    def timeseries(
        self,
        title_key: str,
        query: Query,
        unit: str,
        interval: str,
        width: int = 12,
        height: int = 8,
        gaps: bool = True,
    ) -> Any:
        """Lines per label (or per value column); `interval` is the panel's minimum interval; with `gaps`,
        a line breaks where no row came for longer than the interval or an hour, whichever is longer."""
        panel = (
            timeseries.Panel()
            .unit(unit)
            .line_width(2)
            .fill_opacity(10)
            .span_nulls(False)
            .legend(_legend())
            .interval(interval)
            .color_scheme(FieldColor().mode(FieldColorModeId.PALETTE_CLASSIC_BY_NAME))
        )
        if gaps:
            panel.insert_nulls(max(duration_ms(interval), GAP_MS))
        self._common(panel, title_key, query, width, height)
        values = [c for c in query.columns if c != "time" and c not in query.labels]
        styled = [COLUMN_STYLES[c] for c in values if c in COLUMN_STYLES]
        if styled:
            if styled[0].decimals is not None:
                panel.decimals(styled[0].decimals)
            if styled[0].steps:
                panel.thresholds(styled[0].thresholds())
                panel.thresholds_style(GraphThresholdsStyleConfig().mode(GraphThresholdsStyleMode.DASHED))
        if query.labels:
            panel.display_name("${__field.labels." + query.labels[0] + "}")
        else:
            for column in values:
                if has(f"c.{column}"):
                    panel.override_by_name(
                        column, [DynamicConfigValue(id_val="displayName", value=self.label(f"c.{column}"))]
                    )
        return panel

    def barchart(
        self, title_key: str, query: Query, x_field: str, unit: str, width: int = 12, height: int = 8
    ) -> Any:
        panel = barchart.Panel().x_field(x_field).unit(unit).legend(_legend())
        panel.color_scheme(FieldColor().mode(FieldColorModeId.PALETTE_CLASSIC))
        self._common(panel, title_key, query, width, height)
        self._override_columns(panel, query.columns, cell_types=False, colored=False)
        return panel


def _legend() -> VizLegendOptions:
    return VizLegendOptions().display_mode(LegendDisplayMode.LIST).placement(LegendPlacement.BOTTOM).show_legend(True)


__all__ = ["AREA_TAG", "Board", "QueryFormat"]
