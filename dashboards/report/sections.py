"""HTML building blocks of the report: tables whose cells say which query, row and column they show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from dashboards.report import fmt
from dashboards.report.data import Table

Formatter = Callable[[Any], str]


def count(value: Any) -> str:
    return fmt.number(value, 0)


def one(value: Any) -> str:
    return fmt.number(value, 1)


def two(value: Any) -> str:
    return fmt.number(value, 2)


def three(value: Any) -> str:
    return fmt.number(value, 3)


def pct(value: Any) -> str:
    return fmt.percent(value, 1)


def text(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def figure(query: str, column: str, row: int, value: Any, formatter: Formatter, css: str = "") -> str:
    """One number, tagged with where it came from (so a test can check it against the SQL)."""
    return (
        f'<span class="fig {css}" data-q="{query}" data-col="{column}" data-row="{row}">'
        f"{escape(formatter(value))}</span>"
    )


def table(
    query: str,
    data: Table,
    columns: Sequence[tuple[str, str, Formatter]],
    limit: int | None = None,
    css_of: Callable[[str, dict[str, Any]], str] | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> str:
    """An HTML table of the query's rows: (column, heading, formatter) per shown column.

    Words are left-aligned and numbers right-aligned; a cut list says how many rows it leaves out.
    """
    every = [(index, record) for index, record in enumerate(data.records()) if keep is None or keep(record)]
    chosen = every[:limit] if limit else every
    if not chosen:
        return '<p class="empty">Tidak ada data untuk periode ini.</p>'
    records = [record for _, record in chosen]
    words = {column for column, _, formatter in columns if formatter is text or isinstance(records[0][column], str)}
    left = ' class="t"'
    head = "".join(f"<th{left if column in words else ''}>{escape(heading)}</th>" for column, heading, _ in columns)
    body = []
    for index, record in chosen:
        cells = []
        for column, _, formatter in columns:
            css = css_of(column, record) if css_of else ""
            align = left if column in words else ""
            cells.append(f"<td{align}>{figure(query, column, index, record[column], formatter, css)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    shown = f'<p class="note">{len(records)} dari {len(every)} baris ditampilkan.</p>'
    cut = shown if len(records) < len(every) else ""
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{cut}'


def tile(query: str, column: str, label: str, value: Any, formatter: Formatter, css: str = "") -> str:
    """A headline figure."""
    shown = figure(query, column, 0, value, formatter)
    return f'<div class="tile {css}"><div class="label">{escape(label)}</div>{shown}</div>'
