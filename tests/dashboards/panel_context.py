"""What Grafana would send for a panel: variables as a user set them and the panel's interval."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboards.grafana.rangeutil import calculate_interval_ms
from dashboards.interpolation import Selection
from dashboards.macros import TimeRange

MAX_DATA_POINTS = 1000


@dataclass(frozen=True)
class PanelTarget:
    dashboard: str
    panel_id: int
    title: str
    sql: str
    interval: str | None

    @property
    def label(self) -> str:
        return f"{self.dashboard}#{self.panel_id} {self.title}"


def panel_targets(dashboards: dict[str, dict[str, Any]]) -> Iterator[PanelTarget]:
    """Every panel target's SQL, with its dashboard and panel."""
    for name, document in dashboards.items():
        for panel in document["panels"]:
            for target in panel.get("targets") or []:
                yield PanelTarget(name, panel["id"], panel["title"], target["rawSql"], panel.get("interval"))


def time_range(start: datetime, end: datetime, min_interval: str | None) -> TimeRange:
    """Grafana's interval: range / max data points rounded as Grafana rounds it (rangeutil.ts
    calculateInterval), not below the panel's min interval."""
    range_ms = (end - start).total_seconds() * 1000
    return TimeRange(start, end, calculate_interval_ms(range_ms, MAX_DATA_POINTS, min_interval) / 1000)


def all_selected(options: dict[str, tuple[str, ...]], single: dict[str, str]) -> dict[str, Selection]:
    """Every variable on All (with its options), except single-value ones given in `single`."""
    variables = {name: Selection(is_all=True, options=values, multi=True) for name, values in options.items()}
    for name, value in single.items():
        variables[name] = Selection(values=(value,))
    return variables
