"""`pantau sink`: land Kafka topics in ClickHouse until stopped (SIGINT/SIGTERM finish the batch first)."""

from __future__ import annotations

import signal
import threading

from rich.console import Console

from pantau.cli.options import BootstrapOption, CatalogOption, ClickHouseUrlOption, build_settings
from pantau.clickhouse import apply_migrations, clickhouse_session, target_from_settings


def sink(
    bootstrap: BootstrapOption = None, clickhouse_url: ClickHouseUrlOption = None, catalog: CatalogOption = None
) -> None:
    """Consume raw events, dead letters and the stream worker's facts into ClickHouse, idempotently."""
    from sinks.runner import build_sink  # imported here: the CLI starts fast for every other command

    settings = build_settings(kafka_bootstrap=bootstrap, clickhouse_url=clickhouse_url, catalog=catalog)
    target = target_from_settings(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with clickhouse_session(target) as client:
        apply_migrations(client, target.database, cluster=settings.clickhouse_cluster)
        landing = build_sink(settings, client, target.database)
        Console(stderr=True).print(f"sink: landing {settings.bootstrap_servers} into {target.describe()}")
        try:
            landing.run(stop)
        finally:
            landing.close()
    Console(stderr=True).print(f"sink: stopped after {landing.stats.consumed} messages")
