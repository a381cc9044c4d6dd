"""Keeping stored input for the configured time: the TTLs of `events` and `dead_letters` follow the settings.

Migrations are fixed text and set the defaults (`events` 400 days by occurred_at, migration 0005;
`dead_letters` 30 days from landing, migration 0008); the sink, which writes both tables, brings each
TTL to PANTAU_CLICKHOUSE_EVENTS_TTL_DAYS / PANTAU_CLICKHOUSE_DEAD_LETTERS_TTL_DAYS when it starts. It
changes a table only when the TTL differs, and without rewriting existing parts
(`materialize_ttl_after_modify = 0`): ClickHouse's background merges remove what expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

from pantau.clickhouse.migrate import on_cluster


@dataclass(frozen=True)
class Retention:
    """A table whose rows expire `days` after the time expression `clock` (0 days: kept for ever)."""

    table: str
    clock: str

    @property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(r"\bTTL\s+" + re.escape(self.clock) + r"\s*\+\s*toIntervalDay\((\d+)\)")

    def days(self, client: Client, database: str) -> int:
        """The table's TTL in days; 0 when it has none."""
        rows = client.query(
            "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}",
            parameters={"db": database, "t": self.table},
        ).result_rows
        match = self._pattern.search(str(rows[0][0])) if rows else None
        return int(match.group(1)) if match else 0

    def apply(self, client: Client, database: str, days: int, cluster: str | None = None) -> bool:
        """Set the TTL to `days` (0: none), ON CLUSTER `cluster` if set; True when it changed."""
        if self.days(client, database) == days:
            return False
        table = f"{database}.{self.table}"
        if days == 0:
            statement = f"ALTER TABLE {table} REMOVE TTL"
        else:
            statement = f"ALTER TABLE {table} MODIFY TTL {self.clock} + INTERVAL {int(days)} DAY"
        if cluster is not None:
            statement = on_cluster(statement, cluster)
        client.command(statement, settings={"materialize_ttl_after_modify": 0})
        return True


EVENTS = Retention("events", "toDateTime(occurred_at)")
DEAD_LETTERS = Retention("dead_letters", "landed_at")

