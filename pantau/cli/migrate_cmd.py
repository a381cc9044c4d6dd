"""`pantau migrate`: create or upgrade the ClickHouse schema and refresh the catalog dimensions."""

from __future__ import annotations

from rich.console import Console

from pantau.catalog import load_catalog
from pantau.cli.options import CatalogOption, ClickHouseUrlOption, build_settings
from pantau.clickhouse import apply_migrations, clickhouse_session, target_from_settings
from pantau.clickhouse.catalog_sync import sync_catalog

console = Console()


def migrate(clickhouse_url: ClickHouseUrlOption = None, catalog: CatalogOption = None) -> None:
    """Apply pending schema migrations (idempotent) and load the catalog into offices/services."""
    settings = build_settings(clickhouse_url=clickhouse_url, catalog=catalog)
    target = target_from_settings(settings)
    loaded_catalog = load_catalog(settings.catalog)
    with clickhouse_session(target) as client:
        report = apply_migrations(client, target.database, cluster=settings.clickhouse_cluster)
        changed = sync_catalog(client, target.database, loaded_catalog)
    console.print(f"Schema of {target.describe()}, database {target.database}:")
    for label in report.applied:
        console.print(f"  applied   {label}")
    for label in report.already_applied:
        console.print(f"  unchanged {label}")
    console.print(
        f"Catalog: {len(loaded_catalog.offices)} offices, {len(loaded_catalog.services)} services "
        f"({changed} rows written)."
    )
