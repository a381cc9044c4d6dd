"""ClickHouse access: URL parsing, the client factory, migrations and the catalog dimensions."""

from pantau.clickhouse.client import clickhouse_session, open_client, target_from_settings
from pantau.clickhouse.migrate import MigrationReport, apply_migrations, load_migrations
from pantau.clickhouse.target import ClickHouseTarget, EmbeddedTarget, ServerTarget, parse_clickhouse_url

__all__ = [
    "ClickHouseTarget",
    "EmbeddedTarget",
    "MigrationReport",
    "ServerTarget",
    "apply_migrations",
    "clickhouse_session",
    "load_migrations",
    "open_client",
    "parse_clickhouse_url",
    "target_from_settings",
]
