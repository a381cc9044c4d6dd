"""What Grafana and the ClickHouse plugin do to a panel's SQL in the browser, before the backend sees it.

Order (plugin's `applyTemplateVariables`): first `$__conditionalAll(condition, $var)` becomes `1=1`
when `$var` is All (or empty), else the condition; then Grafana's template service replaces
variables (`$var`, `${var}`, `${var:format}`, `[[var]]`) and the built-ins `$__from`, `$__to`,
`$__interval`, `$__interval_ms`, `$__range_s`. A variable without a format is formatted by the
plugin's own formatter: several values become `'a','b'`, one value stays as it is. All, without a
custom all value, stands for every option of the variable. Unknown names are left in place, as
Grafana leaves them (and the backend macros, `$__timeFilter(...)` etc., are not variables).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboards.macros import MacroError, TimeRange

ALL = "$__all"
_VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}")
_CONDITIONAL_ALL = "$__conditionalAll("
_VAR_NAME = re.compile(r"(?<=\$\{)\w+(?=\})|(?<=\$)\w+")


@dataclass(frozen=True)
class Selection:
    """A variable's current value: selected values, or All; `options` are what All stands for."""

    values: tuple[str, ...] = ()
    is_all: bool = False
    options: tuple[str, ...] = field(default_factory=tuple)
    all_value: str | None = None
    multi: bool = False

    @property
    def current(self) -> str:
        """The value the plugin's conditionalAll looks at (`current.value.toString()`)."""
        return ALL if self.is_all else ",".join(self.values)


def apply_conditional_all(sql: str, variables: Mapping[str, Selection]) -> str:
    """The plugin's applyConditionalAll: innermost-last, one occurrence at a time."""
    index = sql.rfind(_CONDITIONAL_ALL)
    while index != -1:
        params = _macro_args(sql, index + len(_CONDITIONAL_ALL) - 1)
        if len(params) != 2:
            return sql
        phrase = params[0]
        name = _VAR_NAME.search(params[1].strip())
        if name is not None:
            selection = variables.get(name.group(0))
            current = selection.current if selection is not None else None
            if current in ("", ALL):
                phrase = "1=1"
        sql = sql.replace(f"{_CONDITIONAL_ALL}{params[0]},{params[1]})", phrase, 1)
        index = sql.rfind(_CONDITIONAL_ALL)
    return sql


def _macro_args(sql: str, start: int) -> list[str]:
    """The plugin's getMacroArgs: split on commas at bracket depth 1, untrimmed."""
    args: list[str] = []
    depth = 0
    last = start + 1
    for match in re.finditer(r"\(|\)|,", sql[start:]):
        token = match.group(0)
        depth += 1 if token == "(" else -1 if token == ")" else 0
        position = start + match.end()
        if token == "," and depth == 1:
            args.append(sql[last: position - 1])
            last = position
        if depth == 0:
            args.append(sql[last: position - 1])
            return args
    return []


def _plugin_format(values: list[str], multi: bool) -> str:
    # the plugin quotes arrays (multi-value or All), even of one value; a single value goes in as it is
    return "'" + "','".join(values) + "'" if multi else (values[0] if values else "")


def _format(values: list[str], fmt: str | None, multi: bool) -> str:
    escaped = [value.replace("'", "\\'") for value in values]
    if fmt is None:
        return _plugin_format(values, multi)
    formats = {
        "singlequote": lambda: ",".join(f"'{value}'" for value in escaped),
        "doublequote": lambda: ",".join('"' + value.replace('"', '\\"') + '"' for value in values),
        "sqlstring": lambda: ",".join("'" + value.replace("'", "''") + "'" for value in values),
        "csv": lambda: ",".join(values),
        "raw": lambda: ",".join(values),
        "text": lambda: " + ".join(values),
        "pipe": lambda: "|".join(values),
        "json": lambda: json.dumps(values if multi else (values[0] if values else "")),
    }
    if fmt not in formats:
        raise MacroError(f"variable format {fmt!r} is not supported here")
    return formats[fmt]()


def builtins(time_range: TimeRange) -> dict[str, str]:
    """Grafana's global variables that the template service replaces."""
    start_ms = int(time_range.start.timestamp() * 1000)
    end_ms = int(time_range.end.timestamp() * 1000)
    interval_ms = int(time_range.interval_s * 1000)
    return {
        "__from": str(start_ms),
        "__to": str(end_ms),
        "__interval_ms": str(interval_ms),
        "__interval": _interval_text(time_range.interval_s),
        "__range_s": str((end_ms - start_ms) // 1000),
        "__range_ms": str(end_ms - start_ms),
    }


def _interval_text(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds * 1000)}ms"


def replace_variables(sql: str, variables: Mapping[str, Selection], time_range: TimeRange) -> str:
    """Grafana's templateSrv.replace with the ClickHouse plugin's formatter."""
    globals_ = builtins(time_range)

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(4)
        fmt = match.group(3) or match.group(6)
        if name in globals_:
            return globals_[name]
        selection = variables.get(name)
        if selection is None:
            return match.group(0)
        if selection.is_all:
            if selection.all_value is not None and fmt not in ("text", "percentencode"):
                return selection.all_value
            values = list(selection.options)
        else:
            values = list(selection.values)
        return _format(values, fmt, multi=selection.is_all or selection.multi)

    return _VARIABLE.sub(substitute, sql)


def interpolate(sql: str, variables: Mapping[str, Selection], time_range: TimeRange) -> str:
    """The browser's part: conditionalAll, then variables."""
    return replace_variables(apply_conditional_all(sql, variables), variables, time_range)
