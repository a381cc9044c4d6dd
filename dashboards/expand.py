"""A panel's SQL as ClickHouse finally receives it: database, then the browser's part (conditionalAll
and variables), then the plugin backend's macros. The report and the tests go through here, so they
run exactly what Grafana would run."""

from __future__ import annotations

from collections.abc import Mapping

from dashboards.interpolation import Selection, interpolate
from dashboards.macros import TimeRange, expand_macros


def render_sql(sql: str, variables: Mapping[str, Selection], time_range: TimeRange) -> str:
    """Expand `sql` (database already filled in) for the given variables and time range."""
    return expand_macros(interpolate(sql, variables, time_range), time_range)
