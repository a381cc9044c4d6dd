"""The value type of a panel's or variable's query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

DEFAULT_MIN_TICKETS = 30
"""Completed services below which an office is flagged and kept out of rankings (settings default)."""


class QueryFormat(IntEnum):
    """sqlds' format option, as the plugin stores it in a target's `format`."""

    TIME_SERIES = 0
    TABLE = 1


@dataclass(frozen=True)
class Query:
    """One SQL statement with the columns it returns; `{db}` stands for the database name.

    `labels` are the string columns of a time series that the plugin turns into series labels (its
    long-to-wide conversion): the board names each line from them instead of from the value column.
    `{min_tickets}` is the minimum-volume rule, filled in with the database.
    """

    sql: str
    columns: tuple[str, ...]
    format: QueryFormat = QueryFormat.TABLE
    labels: tuple[str, ...] = ()

    def for_database(self, database: str, min_tickets: int = DEFAULT_MIN_TICKETS) -> str:
        """The SQL with the database filled in, macros and variables still to expand."""
        return self.sql.replace("{db}", database).replace("{min_tickets}", str(int(min_tickets)))

    def for_board(
        self,
        database: str,
        min_tickets: int = DEFAULT_MIN_TICKETS,
        texts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> str:
        """As `for_database`, with `{text:<column>}` replaced by the column's values translated (series labels
        cannot be value-mapped in Grafana, so a translated label has to come from the SQL)."""
        sql = self.for_database(database, min_tickets)
        for column, mapping in (texts or {}).items():
            sql = sql.replace(f"{{text:{column}}}", translated(column, mapping))
        return sql


def translated(column: str, mapping: Mapping[str, str]) -> str:
    """SQL giving `column`'s value as its label (the value itself when it has none)."""
    keys = ", ".join(_quote(key) for key in mapping)
    values = ", ".join(_quote(value) for value in mapping.values())
    return f"transform(toString({column}), [{keys}], [{values}], toString({column}))"


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
