"""Turning JSON rows from Kafka into values clickhouse-connect inserts, by the table's column types.

Column types are read from ClickHouse itself (system.columns), so a migration that adds a column needs
no code change here: absent values become NULL for Nullable columns and the type's zero otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Column:
    name: str
    type: str

    @property
    def nullable(self) -> bool:
        return self.type.startswith("Nullable(")

    @property
    def base_type(self) -> str:
        inner = self.type.removeprefix("Nullable(").removesuffix(")") if self.nullable else self.type
        return inner.removeprefix("LowCardinality(").removesuffix(")") if inner.startswith("LowCardinality(") else inner


def table_columns(client: Client, database: str, table: str) -> list[Column]:
    """The table's insertable columns (not MATERIALIZED/ALIAS), in table order."""
    rows = client.query(
        "SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String} "
        "AND default_kind NOT IN ('MATERIALIZED', 'ALIAS') ORDER BY position",
        parameters={"db": database, "t": table},
    ).result_rows
    return [Column(str(name), str(kind)) for name, kind in rows]


def row_converter(columns: list[Column]) -> Callable[[dict[str, Any]], list[Any]]:
    """A function mapping a JSON object to a row list in `columns` order."""
    converters = [(column.name, _converter(column)) for column in columns]

    def convert(document: dict[str, Any]) -> list[Any]:
        return [convert_value(document.get(name)) for name, convert_value in converters]

    return convert


def _converter(column: Column) -> Callable[[Any], Any]:
    base = column.base_type
    if base.startswith("DateTime"):
        parse: Callable[[Any], Any] = _datetime
        zero: Any = _EPOCH
    elif base == "Date":
        parse, zero = _date, date(1970, 1, 1)
    elif base.startswith(("UInt", "Int")):
        parse, zero = int, 0
    elif base.startswith("Float"):
        parse, zero = float, 0.0
    elif base.startswith("Array("):
        parse, zero = list, []
    else:
        parse, zero = _string, ""
    nullable = column.nullable

    def convert(value: Any) -> Any:
        if value is None:
            return None if nullable else zero
        return parse(value)

    return convert


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _string(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
