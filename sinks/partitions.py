"""Inserts that never exceed ClickHouse's partition limit, whatever months one batch spans.

ClickHouse refuses an INSERT whose block touches more than `max_partitions_per_insert_block`
partitions (default 100): "Too many partitions for single INSERT block". Tables partitioned by month
(`events` by occurred_at, `window_metrics` by window_start, `signals` by detected_at) get such a
block from one batch of backfilled or hostile events spanning years; the insert failed every retry
and nothing landed for any office, also after a restart. So a table's rows are split by month into
blocks of at most MONTHS_PER_INSERT months, each one insert. The partition key is read from
`system.tables`; a table whose key is not `toYYYYMM(column)` is inserted whole (none is, today).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from clickhouse_connect.driver.client import Client

MONTHS_PER_INSERT = 50
"""Half of ClickHouse's default limit, so a server configured lower still takes ordinary batches."""

T = TypeVar("T")

_MONTHLY = re.compile(r"^toYYYYMM\((\w+)\)$")


def monthly_partition_columns(client: Client, database: str) -> dict[str, str]:
    """table -> the column it is partitioned by month on, for the database's tables."""
    rows = client.query(
        "SELECT name, partition_key FROM system.tables WHERE database = {db:String}", parameters={"db": database}
    ).result_rows
    found = {}
    for name, key in rows:
        match = _MONTHLY.match(str(key).strip())
        if match:
            found[str(name)] = match.group(1)
    return found


def blocks_by_month(items: list[T], month_value: Callable[[T], Any] | None) -> list[list[T]]:
    """`items` cut into blocks of at most MONTHS_PER_INSERT months of `month_value(item)`, oldest first.

    `month_value` None: the table is not partitioned by month, and the items stay one block.
    """
    if month_value is None or len(items) <= 1:
        return [items]
    months: dict[Any, list[T]] = {}
    for item in items:
        months.setdefault(_month(month_value(item)), []).append(item)
    if len(months) <= MONTHS_PER_INSERT:
        return [items]
    ordered = [months[month] for month in sorted(months, key=str)]
    return [
        [item for month_items in ordered[start : start + MONTHS_PER_INSERT] for item in month_items]
        for start in range(0, len(ordered), MONTHS_PER_INSERT)
    ]


def _month(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.year, value.month)
    return str(value)[:7]
