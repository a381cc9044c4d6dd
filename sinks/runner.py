"""Wiring the sink from settings: consumer group, routes, ClickHouse client."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client
from kafka import KafkaConsumer

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.client_config import kafka_connection_config
from pantau.secrets import pseudonym_key
from pantau.settings import PantauSettings
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes
from sinks.sink import ClickHouseSink, SinkLimits


def sink_group(prefix: str) -> str:
    """The sink's consumer group; one per topic prefix so separate pipelines never share offsets."""
    return f"{prefix}-sink"


def build_sink(settings: PantauSettings, client: Client, database: str) -> ClickHouseSink:
    """A sink member of the `pantau-sink` consumer group for every routed topic."""
    consumer = KafkaConsumer(
        **kafka_connection_config(settings),
        group_id=sink_group(settings.topic_prefix),
        client_id="pantau-sink",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=settings.sink_max_batch,
        fetch_max_wait_ms=int(settings.sink_max_wait_s * 1000),
    )
    routes = default_routes(
        settings.topic_prefix, EventValidator(load_catalog(settings.catalog)), PrivacyFilter(pseudonym_key(settings))
    )
    return ClickHouseSink(
        consumer, client, database, routes, SinkLimits(settings.sink_max_batch, settings.sink_max_wait_s)
    )
