"""A small layer over grafana-foundation-sdk's Dashboard builder: numbered panels, localized titles
and columns, the ClickHouse target, and column styles applied by name."""

from __future__ import annotations

from typing import Any

from grafana_foundation_sdk.builders import barchart, stat, table, timeseries
from grafana_foundation_sdk.builders.common import VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard, DashboardLink, Row
from grafana_foundation_sdk.builders.dashboard import Panel as PanelBuilder
from grafana_foundation_sdk.models.common import (
    BigValueColorMode,
    BigValueGraphMode,
    BigValueTextMode,
    LegendDisplayMode,
    LegendPlacement,
    VizOrientation,
)
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DashboardLinkType,
    DynamicConfigValue,
    GridPos,
    ValueMap,
    ValueMappingResult,
)

from dashboards.grafana.datasource import ClickHouseQuery, ClickHouseQueryBuilder, datasource_ref
from dashboards.grafana.fields import COLUMN_STYLES
from dashboards.i18n import COMPLAINT_CATEGORIES, Lang, has, t
from dashboards.queries.model import Query

# Values that read better translated (priority groups, grades, breach kinds, complaint categories).
_VALUE_TEXTS = {
    "grp": ("regular", "elderly", "disability", "pregnant", "child"),
    "mutu": ("A", "B", "C", "D"),
    "kind": ("live_wait", "completed_wait"),
    "category": COMPLAINT_CATEGORIES,
}
_MUTU_COLORS = {"A": "green", "B": "yellow", "C": "orange", "D": "red"}


class Board:
    """One dashboard being built: keeps panel ids unique and labels in one language."""

    def __init__(self, uid: str, title_key: str, lang: Lang, database: str, tags: list[str]) -> None:
        self.lang = lang
        self.database = database
        self._next_id = 1
        self.dashboard = (
            Dashboard(t(title_key, lang))
            .uid(uid)
            .tags(["pantau", *tags])
            .timezone("browser")
            .time("now-7d", "now")
            .refresh("1m")
            .tooltip(DashboardCursorSync.CROSSHAIR)
            .editable()
            .link(
                DashboardLink(t("folder", lang))
                .type(DashboardLinkType.DASHBOARDS)
                .tags(["pantau"])
                .as_dropdown(True)
                .include_vars(True)
                .keep_time(True)
            )
        )

    def label(self, key: str) -> str:
        return t(key, self.lang)

    def row(self, key: str) -> None:
        self.dashboard.with_row(Row(self.label(key)).id(self._take_id()))

    def _take_id(self) -> int:
        panel_id = self._next_id
        self._next_id += 1
        return panel_id

    def _common(
        self, builder: Any, title_key: str, query: Query, width: int, height: int, colored_cells: bool = False
    ) -> Any:
        target = ClickHouseQueryBuilder(ClickHouseQuery(query.for_database(self.database), "A", query.format))
        builder.id(self._take_id()).title(self.label(title_key)).datasource(datasource_ref())
        builder.with_target(target).grid_pos(GridPos(h=height, w=width))
        for column in query.columns:
            properties = self._column_properties(column)
            style = COLUMN_STYLES.get(column)
            if colored_cells and style is not None and style.steps:
                properties.append(
                    DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background", "mode": "basic"})
                )
            if properties:
                builder.override_by_name(column, properties)
        return builder

    def _column_properties(self, column: str) -> list[DynamicConfigValue]:
        properties = []
        if has(f"c.{column}"):
            properties.append(DynamicConfigValue(id_val="displayName", value=self.label(f"c.{column}")))
        style = COLUMN_STYLES.get(column)
        if style is not None:
            properties.append(DynamicConfigValue(id_val="unit", value=style.unit))
            if style.decimals is not None:
                properties.append(DynamicConfigValue(id_val="decimals", value=style.decimals))
            if style.steps:
                properties.append(DynamicConfigValue(id_val="thresholds", value=style.thresholds().build()))
                properties.append(DynamicConfigValue(id_val="color", value={"mode": "thresholds"}))
        if column in _VALUE_TEXTS:
            options = {
                value: ValueMappingResult(text=self.label(f"v.{value}"), color=_MUTU_COLORS.get(value), index=index)
                for index, value in enumerate(_VALUE_TEXTS[column])
            }
            properties.append(DynamicConfigValue(id_val="mappings", value=[ValueMap(options=options)]))
        return properties

    def add(self, panel: PanelBuilder | Any, description_key: str | None = None) -> None:
        if description_key:
            panel.description(self.label(description_key))
        self.dashboard.with_panel(panel)

    def stat(self, title_key: str, query: Query, width: int = 24, height: int = 4) -> Any:
        panel = (
            stat.Panel()
            .graph_mode(BigValueGraphMode.NONE)
            .color_mode(BigValueColorMode.BACKGROUND)
            .text_mode(BigValueTextMode.VALUE_AND_NAME)
            .orientation(VizOrientation.AUTO)
        )
        return self._common(panel, title_key, query, width, height)

    def table(self, title_key: str, query: Query, width: int = 24, height: int = 10, colored: bool = True) -> Any:
        panel = self._common(table.Panel().filterable(True), title_key, query, width, height, colored_cells=colored)
        return panel

    def timeseries(self, title_key: str, query: Query, unit: str, width: int = 12, height: int = 8) -> Any:
        panel = (
            timeseries.Panel()
            .unit(unit)
            .line_width(2)
            .fill_opacity(10)
            .span_nulls(False)
            .legend(_legend())
        )
        return self._common(panel, title_key, query, width, height)

    def barchart(
        self, title_key: str, query: Query, x_field: str, unit: str, width: int = 12, height: int = 8
    ) -> Any:
        panel = barchart.Panel().x_field(x_field).unit(unit).legend(_legend())
        return self._common(panel, title_key, query, width, height)


def _legend() -> VizLegendOptions:
    return VizLegendOptions().display_mode(LegendDisplayMode.LIST).placement(LegendPlacement.BOTTOM).show_legend(True)
