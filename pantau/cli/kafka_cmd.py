"""`pantau kafka up|down|status`: the local single-node broker, or a check of a configured cluster."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console

from pantau.cli.options import (
    BootstrapOption,
    LaunchingBootstrapOption,
    PartitionsOption,
    build_settings,
    settings_epilog,
)
from pantau.kafka.admin import ensure_topics, list_topics
from pantau.kafka.broker import LocalBroker
from pantau.kafka.topics import describe_topics, topic_names
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


PortOption = Annotated[
    int | None,
    typer.Option(
        "--port",
        envvar="PANTAU_KAFKA_PORT",
        show_envvar=True,
        min=1,
        max=65535,
        help="Port clients connect to (default 9092).",
        show_default=False,
    ),
]
ControllerPortOption = Annotated[
    int | None,
    typer.Option(
        "--controller-port",
        envvar="PANTAU_KAFKA_CONTROLLER_PORT",
        show_envvar=True,
        min=1,
        max=65535,
        help="Port of the broker's KRaft controller, used by the broker alone (default 9093).",
        show_default=False,
    ),
]


@app.command("up", epilog=settings_epilog("kafka_home", "kafka_heap", "topic_prefix"))
def up(
    bootstrap: LaunchingBootstrapOption = None,
    partitions: PartitionsOption = None,
    port: PortOption = None,
    controller_port: ControllerPortOption = None,
) -> None:
    """Start the local broker (fetching the jars once) and create Pantau's topics.

    Both ports are checked first: a port held by another program is named, with its setting.
    """
    settings = build_settings(
        kafka_bootstrap=bootstrap, kafka_partitions=partitions, kafka_port=port, kafka_controller_port=controller_port
    )
    started = time.monotonic()
    address = start_kafka(settings)
    topics = describe_topics(list_topics(address), settings.topic_prefix)
    if settings.uses_external_kafka:
        console.print(f"Using the configured Kafka at {address}; nothing started. {topics}.")
        return
    status = local_broker(settings).status()
    console.print(
        f"Kafka is running at {address} (pid {status.pid}); ready in {time.monotonic() - started:.1f} s; "
        f"{topics}; {settings.kafka_partitions} partitions each."
    )


@app.command("down", epilog=settings_epilog("kafka_home"))
def down() -> None:
    """Stop the local broker; its data stays in PANTAU_KAFKA_HOME for the next start."""
    settings = build_settings()
    if settings.uses_external_kafka:
        console.print(f"Kafka at {settings.bootstrap_servers} is configured externally; nothing to stop.")
        return
    stopped = local_broker(settings).stop()
    console.print("Kafka stopped." if stopped else "Kafka was not running.")


@app.command("status", epilog=settings_epilog("kafka_port", "kafka_home", "topic_prefix"))
def status(bootstrap: BootstrapOption = None) -> None:
    """Report whether the broker answers, with its topics; exit status 1 when it does not."""
    settings = build_settings(kafka_bootstrap=bootstrap)
    if settings.uses_external_kafka:
        on_broker = list_topics(settings.bootstrap_servers)
        console.print(
            f"Kafka at {settings.bootstrap_servers} (configured) answers; {len(on_broker)} topics in all, "
            f"{describe_topics(on_broker, settings.topic_prefix)}."
        )
        return
    current = local_broker(settings).status()
    if not current.running:
        console.print(f"Kafka is not running at {current.bootstrap}. Start it with `pantau kafka up`.")
        raise typer.Exit(code=1)
    on_broker = list_topics(current.bootstrap)
    pantau_topics = sorted(name for name in on_broker if name.startswith(settings.topic_prefix + "."))
    topics = describe_topics(on_broker, settings.topic_prefix)
    console.print(f"Kafka is running at {current.bootstrap} (pid {current.pid}); {topics}.")
    console.print(f"Topics: {', '.join(pantau_topics)}", soft_wrap=True)
