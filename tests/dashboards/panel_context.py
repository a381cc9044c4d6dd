"""What Grafana would send for a panel: variables as a user set them and the panel's interval."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboards.interpolation import Selection
from dashboards.macros import TimeRange

_DURATION = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
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
    """Grafana's interval: range / max data points, but not below the panel's min interval."""
    seconds = max((end - start).total_seconds() / MAX_DATA_POINTS, 1.0)
    if min_interval and (match := _DURATION.match(min_interval)):
        seconds = max(seconds, int(match.group(1)) * _SECONDS[match.group(2)])
    return TimeRange(start, end, seconds)


def all_selected(options: dict[str, tuple[str, ...]], single: dict[str, str]) -> dict[str, Selection]:
    """Every variable on All (with its options), except single-value ones given in `single`."""
    variables = {name: Selection(is_all=True, options=values, multi=True) for name, values in options.items()}
    for name, value in single.items():
        variables[name] = Selection(values=(value,))
    return variables
