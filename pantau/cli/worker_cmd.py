"""`pantau worker`: run the stream processors (Faust) until SIGINT/SIGTERM."""

from __future__ import annotations

import logging

from pantau.catalog import load_catalog
from pantau.cli.options import BootstrapOption, CatalogOption, build_settings
from pantau.kafka.admin import ensure_topics
from pantau.kafka.client_config import kafka_connection_config
from pantau.kafka.topics import topic_names
from pantau.secrets import pseudonym_key


def worker(bootstrap: BootstrapOption = None, catalog: CatalogOption = None) -> None:
    """Compute ticket facts, windows, complaints, surveys and IKM from the events topic."""
    import faust  # imported here: the CLI starts fast for every other command

    from streams.app import changelog_topic_names, create_app

    settings = build_settings(kafka_bootstrap=bootstrap, catalog=catalog)
    connection = kafka_connection_config(settings)
    ensure_topics(
        settings.bootstrap_servers, topic_names(settings.topic_prefix), settings.kafka_partitions, connection=connection
    )
    # Created before Faust starts, so its first metadata already knows them: a table whose changelog
    # Faust creates itself can look like it has 0 partitions to a busy worker and stop the agent.
    ensure_topics(
        settings.bootstrap_servers,
        changelog_topic_names(settings.topic_prefix),
        settings.kafka_partitions,
        configs={"cleanup.policy": "compact"},
        connection=connection,
    )
    app = create_app(settings, load_catalog(settings.catalog), pseudonym_key(settings))
    # Faust filters at the handler, so without a level on the loggers themselves aiokafka and Faust
    # build every debug record and throw it away: about a tenth of the worker's time (py-spy).
    level = settings.stream_log_level.upper()
    for name in ("aiokafka", "faust", "mode", "kafka"):
        logging.getLogger(name).setLevel("WARNING" if level == "WARN" else level)
    faust.Worker(app, loglevel=settings.stream_log_level, quiet=True).execute_from_commandline()
