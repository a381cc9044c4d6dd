"""`pantau sql "QUERY"`: run one query on the configured ClickHouse and print the result."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError
from rich.console import Console
from rich.table import Table

from pantau.cli.options import ClickHouseUrlOption, build_settings
from pantau.clickhouse import ClickHouseTarget, EmbeddedTarget, clickhouse_session, target_from_settings
from pantau.clickhouse.query_socket import query_via_socket
from pantau.errors import ClickHouseError, EmbeddedStoreBusyError


class OutputFormat(StrEnum):
    json = "json"
    tsv = "tsv"
    table = "table"


def sql(
    query: Annotated[str, typer.Argument(help='The SQL to run, e.g. "SELECT count() FROM pantau.tickets FINAL".')],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="json (array of objects), tsv (with header) or table.")
    ] = OutputFormat.table,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """Run a query on the configured ClickHouse (embedded or server) and print the rows."""
    statements = split_statements(query)
    if not statements:
        raise ClickHouseError('nothing to run: the query is empty (e.g. pantau sql "SELECT 1")')
    settings = build_settings(reads_store=True, clickhouse_url=clickhouse_url)
    target = target_from_settings(settings)
    for index, statement in enumerate(statements):
        if len(statements) > 1:
            Console(stderr=True).print(f"-- statement {index + 1}/{len(statements)}: {statement}")
        try:
            columns, rows = run_query(target, statement)
        except EmbeddedStoreBusyError:
            # `pantau up` (or another holder) serves queries on its socket while it owns the store.
            forwarded = query_via_socket(target.path, statement) if isinstance(target, EmbeddedTarget) else None
            if forwarded is None:
                raise
            columns, rows = forwarded
        write_rows(columns, rows, output_format)


def split_statements(query: str) -> list[str]:
    """Split on `;` outside quotes, dropping empty statements: the driver sends exactly one statement."""
    statements: list[str] = []
    current: list[str] = []
    quote: str | None = None
    escaped = False
    for char in query:
        if escaped:
            escaped = False
        elif quote is not None and char == "\\":
            escaped = True
        elif quote is not None:
            quote = None if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == ";":
            statements.append("".join(current))
            current = []
            continue
        current.append(char)
    statements.append("".join(current))
    return [statement.strip() for statement in statements if statement.strip()]


_APPENDED_FORMAT = re.compile(r"failed at position \d+ \(FORMAT\) \(line \d+, col \d+\): FORMAT Native\. ")


NO_DATA_HINT = "; no Pantau data here: run `pantau up` (or `pantau migrate`) to fill this store"


def user_message(message: str) -> str:
    """Speak of the user's own text: clickhouse-connect appends `FORMAT Native`, which the user never typed."""
    return _APPENDED_FORMAT.sub("failed at the end of the query. ", message)


def run_query(target: ClickHouseTarget, query: str) -> tuple[list[str], list[list[Any]]]:
    """Run one query with a client of our own."""
    with clickhouse_session(target) as client:
        try:
            result = client.query(query)
        except DriverError as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = NO_DATA_HINT if "UNKNOWN_DATABASE" in str(exc) and target.database in message else ""
            raise ClickHouseError(f"query failed on {target.describe()}: {user_message(message)}{hint}") from None
    return list(result.column_names), [list(row) for row in result.result_rows]


def write_rows(columns: list[str], rows: list[list[Any]], output_format: OutputFormat) -> None:
    """Print rows in the chosen format; json and tsv are for scripts, table is for people."""
    if output_format is OutputFormat.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.buffer.write(orjson.dumps(records, default=str, option=orjson.OPT_INDENT_2) + b"\n")
    elif output_format is OutputFormat.tsv:
        lines = ["\t".join(columns)] + ["\t".join(_tsv_cell(value) for value in row) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        console = Console()
        cells = [[_text(value) for value in row] for row in rows]
        if table_width(columns, cells) <= console.width:
            table = Table(*columns)
            for row_cells in cells:
                table.add_row(*row_cells)
            console.print(table)
        else:
            sys.stdout.write(vertical_layout(columns, cells))
        Console(stderr=True).print(f"{len(rows)} rows")


def table_width(columns: list[str], cells: list[list[str]]) -> int:
    """Width of the table without cutting a cell: widest line of each column, plus borders and padding."""
    widths = [
        max([len(name)] + [max(map(len, row[i].splitlines() or [""])) for row in cells])
        for i, name in enumerate(columns)
    ]
    return sum(widths) + 3 * len(columns) + 1


def vertical_layout(columns: list[str], cells: list[list[str]]) -> str:
    """One `column: value` block per row (like clickhouse-client's \\G), for tables wider than the terminal."""
    pad = max((len(name) for name in columns), default=0)
    blocks = []
    for number, row_cells in enumerate(cells, start=1):
        lines = [f"-- row {number} --"] + [
            f"{name.rjust(pad)}: {value}" for name, value in zip(columns, row_cells, strict=True)
        ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _text(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _tsv_cell(value: Any) -> str:
    """ClickHouse's TSV escaping: backslash, tab and newline are escaped; NULL is \\N."""
    if value is None:
        return "\\N"
    return _text(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
