"""Keeping raw events for the configured time: the TTL of `events` follows PANTAU_CLICKHOUSE_EVENTS_TTL_DAYS.

Migrations are fixed text and set the default (400 days, migration 0005); the sink, which writes
`events`, brings the table's TTL to the configured value when it starts. It changes the table only
when the TTL differs, and without rewriting existing parts (`materialize_ttl_after_modify = 0`):
expired monthly partitions are dropped by ClickHouse's background merges (`ttl_only_drop_parts`).
"""

from __future__ import annotations

import re

from clickhouse_connect.driver.client import Client

from pantau.clickhouse.migrate import on_cluster

_TTL_DAYS = re.compile(r"\bTTL\s+toDateTime\(occurred_at\)\s*\+\s*toIntervalDay\((\d+)\)")


def events_ttl_days(client: Client, database: str) -> int:
    """The TTL of `{database}.events` in days; 0 when it has none."""
    rows = client.query(
        "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'events'",
        parameters={"db": database},
    ).result_rows
    match = _TTL_DAYS.search(str(rows[0][0])) if rows else None
    return int(match.group(1)) if match else 0


def apply_events_ttl(client: Client, database: str, days: int, cluster: str | None = None) -> bool:
    """Set the TTL of `events` to `days` (0: none), ON CLUSTER `cluster` if set; True when it changed."""
    if events_ttl_days(client, database) == days:
        return False
    if days == 0:
        statement = f"ALTER TABLE {database}.events REMOVE TTL"
    else:
        statement = f"ALTER TABLE {database}.events MODIFY TTL toDateTime(occurred_at) + INTERVAL {int(days)} DAY"
    if cluster is not None:
        statement = on_cluster(statement, cluster)
    client.command(statement, settings={"materialize_ttl_after_modify": 0})
    return True
