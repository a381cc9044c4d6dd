"""Which local days of the report's period hold data: a month with one week of tickets is marked partial.

A report-only query (the boards show the range they are given); days are counted in the report's time
zone, the same one whose midnights bound the period.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dashboards.queries.model import Query
from dashboards.queries.scope import in_scope

_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember")


# `{report_tz}` is the report's time zone, filled in by `data.rendered_queries` (settings.report_timezone).
DAYS_WITH_DATA = Query(
    """
SELECT DISTINCT toDate(tk.ended_at, '{report_tz}') AS day
FROM {db}.tickets AS tk FINAL
WHERE $__timeFilter(tk.ended_at) AND """ + in_scope("tk.office_id", "tk.service_code") + """
ORDER BY day""",
    ("day",),
)


def with_zone(sql: str, timezone: str) -> str:
    """`sql` with `{report_tz}` replaced by the zone name (checked to be one, as it lands in a literal)."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", timezone):
        raise ValueError(f"not a time zone name: {timezone!r}")
    return sql.replace("{report_tz}", timezone)


def missing_days(days: list[date], start: date, end: date) -> int:
    """How many days of [start, end) hold no data."""
    return (end - start).days - len({d for d in days if start <= d < end})


def describe_days(days: list[date]) -> str:
    """Days as runs in Indonesian, e.g. '5-11 Oktober 2026, 14 Oktober 2026'."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return ", ".join(_run(first, last) for first, last in runs)


def _run(first: date, last: date) -> str:
    def full(d: date) -> str:
        return f"{d.day} {_MONTHS_ID[d.month - 1]} {d.year}"

    if first == last:
        return full(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{full(last)}"
    return f"{full(first)} - {full(last)}"
