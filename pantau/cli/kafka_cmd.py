"""`pantau kafka up|down|status`: the local single-node broker, or a check of a configured cluster."""

from __future__ import annotations

import time

import typer
from rich.console import Console

from pantau.cli.options import BootstrapOption, PartitionsOption, build_settings
from pantau.kafka.admin import ensure_topics, list_topics
from pantau.kafka.broker import LocalBroker
from pantau.kafka.topics import topic_names
from pantau.settings import PantauSettings

app = typer.Typer(
    help="Run the local Apache Kafka broker (KRaft) or check the configured cluster.", no_args_is_help=True
)
console = Console()


def local_broker(settings: PantauSettings) -> LocalBroker:
    """The broker `pantau` manages under PANTAU_KAFKA_HOME (default .pantau/kafka)."""
    return LocalBroker(
        home=settings.kafka_home,
        port=settings.kafka_port,
        controller_port=settings.kafka_controller_port,
        partitions=settings.kafka_partitions,
        heap=settings.kafka_heap,
    )


def start_kafka(settings: PantauSettings) -> str:
    """Start the local broker unless a cluster is configured; create missing topics; return the bootstrap."""
    if not settings.uses_external_kafka:
        local_broker(settings).start(timeout_s=settings.kafka_start_timeout_s)
    ensure_topics(settings.bootstrap_servers, topic_names(settings.topic_prefix), settings.kafka_partitions)
    return settings.bootstrap_servers


@app.command("up")
def up(bootstrap: BootstrapOption = None, partitions: PartitionsOption = None) -> None:
    """Start the local broker (fetching the jars once) and create Pantau's topics."""
    settings = build_settings(kafka_bootstrap=bootstrap, kafka_partitions=partitions)
    started = time.monotonic()
    address = start_kafka(settings)
    if settings.uses_external_kafka:
        console.print(f"Using the configured Kafka at {address}; nothing started. Topics are in place.")
        return
    status = local_broker(settings).status()
    console.print(
        f"Kafka is running at {address} (pid {status.pid}); ready in {time.monotonic() - started:.1f} s; "
        f"{len(topic_names(settings.topic_prefix))} Pantau topics with {settings.kafka_partitions} partitions."
    )


@app.command("down")
def down() -> None:
    """Stop the local broker; its data stays in PANTAU_KAFKA_HOME for the next start."""
    settings = build_settings()
    if settings.uses_external_kafka:
        console.print(f"Kafka at {settings.bootstrap_servers} is configured externally; nothing to stop.")
        return
    stopped = local_broker(settings).stop()
    console.print("Kafka stopped." if stopped else "Kafka was not running.")


@app.command("status")
def status(bootstrap: BootstrapOption = None) -> None:
    """Report whether the broker answers, with its topics; exit status 1 when it does not."""
    settings = build_settings(kafka_bootstrap=bootstrap)
    if settings.uses_external_kafka:
        topics = list_topics(settings.bootstrap_servers)
        console.print(f"Kafka at {settings.bootstrap_servers} (configured) answers; {len(topics)} topics.")
        return
    current = local_broker(settings).status()
    if not current.running:
        console.print(f"Kafka is not running at {current.bootstrap}. Start it with `pantau kafka up`.")
        raise typer.Exit(code=1)
    pantau_topics = [name for name in list_topics(current.bootstrap) if name.startswith(settings.topic_prefix + ".")]
    console.print(
        f"Kafka is running at {current.bootstrap} (pid {current.pid}); Pantau topics: {', '.join(pantau_topics)}"
    )
