"""Wiring the sink from settings: consumer group, routes, ClickHouse client."""

from __future__ import annotations

import logging

from clickhouse_connect.driver.client import Client
from kafka import KafkaConsumer

from pantau.catalog import load_catalog
from pantau.clickhouse.pseudonym_keys import describe_key_check, verify_pseudonym_key
from pantau.contract import EventValidator
from pantau.kafka.admin import ensure_topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.secrets import pseudonym_key
from pantau.settings import PantauSettings
from sinks import retention
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes, routed_topics
from sinks.sink import ClickHouseSink, SinkLimits

log = logging.getLogger(__name__)


def sink_group(prefix: str) -> str:
    """The sink's consumer group; one per topic prefix so separate pipelines never share offsets."""
    return f"{prefix}-sink"


def sink_consumer(settings: PantauSettings) -> KafkaConsumer:
    """A member of the sink's consumer group that reads only committed (transactional) data."""
    return KafkaConsumer(
        **kafka_connection_config(settings),
        group_id=sink_group(settings.topic_prefix),
        client_id="pantau-sink",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=settings.sink_max_batch,
        fetch_max_wait_ms=int(settings.sink_max_wait_s * 1000),
        # A sink that was killed (OOM, kill -9, lost host) never leaves the group, and its restart waits
        # until the coordinator gives up on the old member: with kafka-python's 45 s default, every crash
        # froze the tables for most of a minute. Heartbeats come from a background thread every 3 s, so
        # 10 s (the broker's minimum is 6 s) only expires a member that is really gone.
        session_timeout_ms=10_000,
        # The sink may subscribe before `pantau worker` has created the topics. kafka-python only sees a
        # new topic at its next metadata refresh, 5 minutes by default: the sink then landed nothing for
        # minutes (a replay --wait timed out at 200 s). Every 5 s costs one small request.
        metadata_max_age_ms=5_000,
    )


def build_sink(settings: PantauSettings, client: Client, database: str) -> ClickHouseSink:
    """A sink member of the `pantau-sink` consumer group for every routed topic.

    Also brings the retention of raw events and dead letters to the configured TTLs, since the sink is
    what writes them, and refuses a pseudonym key other than the one the stored data was pseudonymized
    with (pantau.clickhouse.pseudonym_keys).
    """
    key = pseudonym_key(settings)
    news = describe_key_check(verify_pseudonym_key(client, database, key, settings.pseudonym_key_rotation))
    if news is not None:
        log.warning("%s", news)
    cluster = settings.clickhouse_cluster
    retention.EVENTS.apply(client, database, settings.clickhouse_events_ttl_days, cluster)
    retention.DEAD_LETTERS.apply(client, database, settings.clickhouse_dead_letters_ttl_days, cluster)
    # Subscribing to topics that do not exist yet (`pantau up` builds the sink while its worker is still
    # creating them) left the sink idle until a metadata refresh found them: create them here too, as
    # the worker and the alert service do; whoever comes second finds them made.
    ensure_topics(settings.bootstrap_servers, routed_topics(settings.topic_prefix), settings.kafka_partitions)
    consumer = sink_consumer(settings)
    routes = default_routes(
        settings.topic_prefix,
        EventValidator(load_catalog(settings.catalog), settings.future_tolerance),
        PrivacyFilter(key),
    )
    return ClickHouseSink(
        consumer, client, database, routes, SinkLimits(settings.sink_max_batch, settings.sink_max_wait_s)
    )
