"""Report periods: a local month, quarter or year, turned into the time range the queries run on.

Offices are in WIB, WITA and WIT; the range runs from the period's first midnight in the report's
time zone (WIB by default) to the next period's. Offices are closed around midnight, so the 1-2 h
shift for WITA/WIT offices moves no visit; IKM uses the exact local periods of the `ikm` table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from dashboards.macros import TimeRange
from pantau.errors import PantauError

PeriodKind = Literal["month", "quarter", "year"]
_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember")


_EXAMPLES: dict[str, str] = {"month": "YYYY-MM (e.g. 2026-10)", "quarter": "YYYY-Qn (e.g. 2026-Q4)", "year": "YYYY"}


class PeriodError(PantauError):
    """The --period text does not name a month, quarter or year."""


@dataclass(frozen=True)
class Period:
    """First day of the period and the first day after it (local calendar)."""

    kind: PeriodKind
    start: date
    end: date

    def label(self) -> str:
        """How the period is written in the report, e.g. 'Oktober 2026', 'Triwulan IV 2026', 'Tahun 2026'."""
        if self.kind == "month":
            return f"{_MONTHS_ID[self.start.month - 1]} {self.start.year}"
        if self.kind == "quarter":
            return f"Triwulan {('I', 'II', 'III', 'IV')[(self.start.month - 1) // 3]} {self.start.year}"
        return f"Tahun {self.start.year}"

    def time_range(self, timezone: str = "Asia/Jakarta") -> TimeRange:
        """The query range: local midnight to local midnight, in UTC, with a daily interval."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.start, datetime.min.time(), zone).astimezone(UTC)
        end = datetime.combine(self.end, datetime.min.time(), zone).astimezone(UTC)
        return TimeRange(start, end, 86400.0)


def parse_period(text: str, kind: PeriodKind | None = None) -> Period:
    """'2026-10' (month), '2026-Q4' (quarter), '2026' (year); the kind follows from the text's shape.

    `kind` is only needed for the one ambiguous case, '2026-10' as the quarter holding October; a kind
    that contradicts the text ('2026-Q4' as a month) is an error rather than a silent reinterpretation.
    """
    match = re.fullmatch(r"(\d{4})(?:-(?:(\d{2})|[Qq]([1-4])))?", text.strip())
    if match is None:
        raise PeriodError(f"--period {text!r}: write YYYY-MM (a month, e.g. 2026-10), YYYY-Qn (a quarter) or YYYY")
    year = int(match.group(1))
    shape: PeriodKind = "month" if match.group(2) else "quarter" if match.group(3) else "year"
    month = int(match.group(2)) if match.group(2) else (int(match.group(3)) - 1) * 3 + 1 if match.group(3) else 1
    if not 1 <= month <= 12:
        raise PeriodError(f"--period {text!r}: month {month} does not exist")
    chosen = kind or shape
    if chosen != shape and not (shape == "month" and chosen == "quarter"):
        raise PeriodError(
            f"--period {text!r} names a {shape}, but --kind {chosen} was given: drop --kind "
            f"(the period's shape sets it) or write the period as {_EXAMPLES[chosen]}"
        )
    if chosen == "month":
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
    elif chosen == "quarter":
        first = (month - 1) // 3 * 3 + 1
        start = date(year, first, 1)
        end = date(year + (first == 10), (first + 2) % 12 + 1, 1)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return Period(chosen, start, end)
