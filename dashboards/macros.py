"""The grafana-clickhouse-datasource backend macros, expanded exactly as the plugin expands them.

The plugin (pkg/macros/macros.go) registers these with grafana/sqlds, which finds `$__name` at a word
boundary, reads a bracketed argument list with balanced parentheses, splits it on top-level commas
and trims each argument. Times are the panel's time range; `toDateTime(<unix seconds>)` and
`fromUnixTimestamp64Milli(<unix ms>)` are what the plugin writes, so a query that runs here runs
there. `$__conditionalAll` is not here: the plugin applies it in the browser, before variables are
interpolated (see `dashboards.interpolation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pantau.errors import PantauError


class MacroError(PantauError):
    """A macro was called with the wrong number of arguments or an unbalanced bracket."""


@dataclass(frozen=True)
class TimeRange:
    """The panel's time range (UTC) and the interval Grafana computed for it."""

    start: datetime
    end: datetime
    interval_s: float = 60.0


MacroFunc = Callable[[TimeRange, list[str]], str]


def _unix_s(moment: datetime) -> int:
    return int(moment.timestamp())


def _unix_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _date(moment: datetime) -> str:
    # Go's t.Format on the UTC time Grafana sends
    return f"toDate('{moment.astimezone(UTC).strftime('%Y-%m-%d')}')"


def _args(name: str, args: list[str], count: int) -> list[str]:
    if len(args) != count:
        raise MacroError(f"$__{name}: expected {count} argument(s), received {len(args)}")
    return args


def _time_filter(r: TimeRange, args: list[str]) -> str:
    (column,) = _args("timeFilter", args, 1)
    return f"{column} >= toDateTime({_unix_s(r.start)}) AND {column} <= toDateTime({_unix_s(r.end)})"


def _time_filter_ms(r: TimeRange, args: list[str]) -> str:
    (column,) = _args("timeFilter_ms", args, 1)
    start, end = _unix_ms(r.start), _unix_ms(r.end)
    return f"{column} >= fromUnixTimestamp64Milli({start}) AND {column} <= fromUnixTimestamp64Milli({end})"


def _date_filter(r: TimeRange, args: list[str]) -> str:
    (column,) = _args("dateFilter", args, 1)
    return f"{column} >= {_date(r.start)} AND {column} <= {_date(r.end)}"


def _date_time_filter(r: TimeRange, args: list[str]) -> str:
    date_column, time_column = _args("dateTimeFilter", args, 2)
    dates = f"({date_column} >= {_date(r.start)} AND {date_column} <= {_date(r.end)})"
    times = (
        f"({time_column} >= toDateTime({_unix_s(r.start)}) AND {time_column} <= toDateTime({_unix_s(r.end)}))"
    )
    return f"{dates} AND {times}"


def _time_interval(r: TimeRange, args: list[str]) -> str:
    (column,) = _args("timeInterval", args, 1)
    return f"toStartOfInterval(toDateTime({column}), INTERVAL {int(max(r.interval_s, 1))} second)"


def _time_interval_ms(r: TimeRange, args: list[str]) -> str:
    (column,) = _args("timeInterval_ms", args, 1)
    return f"toStartOfInterval(toDateTime64({column}, 3), INTERVAL {int(max(r.interval_s * 1000, 1))} millisecond)"


MACROS: dict[str, MacroFunc] = {
    "fromTime": lambda r, _: f"toDateTime({_unix_s(r.start)})",
    "toTime": lambda r, _: f"toDateTime({_unix_s(r.end)})",
    "fromTime_ms": lambda r, _: f"fromUnixTimestamp64Milli({_unix_ms(r.start)})",
    "toTime_ms": lambda r, _: f"fromUnixTimestamp64Milli({_unix_ms(r.end)})",
    "timeFilter": _time_filter,
    "timeFilter_ms": _time_filter_ms,
    "dateFilter": _date_filter,
    "dateTimeFilter": _date_time_filter,
    "dt": _date_time_filter,
    "timeInterval": _time_interval,
    "timeInterval_ms": _time_interval_ms,
    "interval_s": lambda r, _: str(int(max(r.interval_s, 1))),
}


def parse_args(text: str) -> tuple[list[str], int]:
    """(trimmed arguments, consumed length) of a bracketed list at the start of `text`.

    (empty, 0) when no bracket follows (a macro without arguments); raises on an unclosed bracket.
    """
    if not text.startswith("("):
        return [], 0
    depth = 0
    args: list[str] = []
    current: list[str] = []
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return ([] if args == [""] else args), index + 1
        elif char == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    raise MacroError("failed to parse macro arguments (missing close bracket?)")


def expand_macros(sql: str, time_range: TimeRange, macros: dict[str, MacroFunc] | None = None) -> str:
    """Replace every plugin macro in `sql`, as the plugin's backend does before sending it to ClickHouse."""
    for name, macro in (macros or MACROS).items():
        pattern = re.compile(rf"\$__{re.escape(name)}\b")
        position = 0
        while (match := pattern.search(sql, position)) is not None:
            args, length = parse_args(sql[match.end():])
            replacement = macro(time_range, args)
            sql = sql[: match.start()] + replacement + sql[match.end() + length:]
            position = match.start() + len(replacement)
    return sql
