"""`pantau replay FILE [--rate R]`: send a JSONL or CSV file of events to Kafka."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pantau.catalog import load_catalog
from pantau.cli.options import BootstrapOption, CatalogOption, build_settings
from pantau.contract import EventValidator
from producers.publisher import EventPublisher, PublishCounts, create_producer
from producers.replay import replay_file

console = Console(stderr=True)


def replay(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSONL or .csv file.")],
    rate: Annotated[
        float | None,
        typer.Option("--rate", min=0.001, help="Events per second (default: as fast as Kafka takes them)."),
    ] = None,
    bootstrap: BootstrapOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Send a file of contract-v1 events to Kafka; invalid lines become dead letters with their reason."""
    settings = build_settings(kafka_bootstrap=bootstrap, catalog=catalog)
    validator = EventValidator(load_catalog(settings.catalog))
    publisher = EventPublisher(create_producer(settings), validator, settings.topic_prefix, source=f"file:{file.name}")
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]replay[/] {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(file.name, total=file.stat().st_size)
        try:
            counts = replay_file(file, publisher, rate, on_progress=lambda size: progress.advance(task, size))
        finally:
            publisher.close()
    print_summary(counts, time.monotonic() - started)


def print_summary(counts: PublishCounts, elapsed_s: float) -> None:
    """The reconciled counts on stdout, machine-readable enough for scripts (key: value lines)."""
    out = Console(highlight=False)
    out.print(f"received: {counts.received}")
    out.print(f"sent: {counts.accepted}")
    out.print(f"dead_lettered: {counts.dead_lettered}")
    for reason, count in sorted(counts.reasons.items(), key=lambda item: -item[1]):
        out.print(f"  {count:>8}  {reason}")
    rate = counts.received / elapsed_s if elapsed_s > 0 else 0.0
    out.print(f"elapsed_s: {elapsed_s:.2f} ({rate:,.0f} events/s)")
