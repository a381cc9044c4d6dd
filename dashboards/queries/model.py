"""The value type of a panel's or variable's query."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class QueryFormat(IntEnum):
    """sqlds' format option, as the plugin stores it in a target's `format`."""

    TIME_SERIES = 0
    TABLE = 1


@dataclass(frozen=True)
class Query:
    """One SQL statement with the columns it returns; `{db}` stands for the database name."""

    sql: str
    columns: tuple[str, ...]
    format: QueryFormat = QueryFormat.TABLE

    def for_database(self, database: str) -> str:
        """The SQL with the database filled in, macros and variables still to expand."""
        return self.sql.replace("{db}", database)
