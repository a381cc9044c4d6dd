"""`pantau simulate`: seeded, realistic office events to a JSONL file or to Kafka."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pantau.catalog import load_catalog
from pantau.cli.options import BootstrapOption, CatalogOption, build_settings
from pantau.cli.replay_cmd import print_summary
from pantau.contract import EventValidator
from pantau.errors import ConfigurationError
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulatedRecord, SimulationOptions, simulate


def simulate_command(
    offices: Annotated[int, typer.Option(min=1, help="How many offices of the catalog to simulate.")] = 20,
    days: Annotated[int, typer.Option(min=1, help="How many local calendar days.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same events.")] = 1,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: today).")] = None,
    speed: Annotated[
        float | None,
        typer.Option(
            min=0.001, help="Pace events in real time, X times faster (live demos); default: as fast as possible."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write JSONL to this file.")] = None,
    to_kafka: Annotated[
        bool, typer.Option("--to-kafka", help="Send to Kafka through the validating producer.")
    ] = False,
    out_of_order: Annotated[float, typer.Option(min=0, max=1, help="Share of events delivered late.")] = 0.0,
    duplicates: Annotated[float, typer.Option(min=0, max=1, help="Share of events delivered twice.")] = 0.0,
    invalid: Annotated[
        float, typer.Option(min=0, max=1, help="Share of extra invalid lines (dead-letter tests).")
    ] = 0.0,
    bootstrap: BootstrapOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Generate realistic queue, complaint and survey events for N offices over D days."""
    if (out is None) == (not to_kafka):
        raise ConfigurationError("choose exactly one destination: --out FILE or --to-kafka")
    settings = build_settings(kafka_bootstrap=bootstrap, catalog=catalog)
    loaded = load_catalog(settings.catalog)
    options = SimulationOptions(
        offices=offices,
        days=days,
        seed=seed,
        start=date.fromisoformat(start) if start else date.today(),
        out_of_order=out_of_order,
        duplicates=duplicates,
        invalid=invalid,
    )
    try:
        records = simulate(loaded, options)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    paced = pace(records, speed) if speed else records
    started = time.monotonic()
    if out is not None:
        written = 0
        with out.open("wb") as handle:
            for record in paced:
                handle.write(record.payload + b"\n")
                written += 1
        Console(stderr=True).print(f"wrote {written} events to {out} in {time.monotonic() - started:.1f} s")
        return
    publisher = EventPublisher(
        create_producer(settings),
        EventValidator(loaded, settings.future_tolerance),
        settings.topic_prefix,
        source=f"simulator:seed={seed}",
    )
    try:
        for position, record in enumerate(paced, start=1):
            publisher.publish(record.payload, position=str(position))
    finally:
        publisher.close()
    print_summary(publisher.counts, time.monotonic() - started)


def pace(
    records: Iterator[SimulatedRecord], speed: float, sleep: Callable[[float], object] = time.sleep
) -> Iterator[SimulatedRecord]:
    """Release each record when its occurred_at is due on a clock running `speed` times faster.

    `sleep` may be an Event's `wait`, so a stopping pipeline is not held up by a long pause.
    """
    wall_start = time.monotonic()
    sim_start: datetime | None = None
    for record in records:
        if sim_start is None:
            sim_start = record.occurred_at
        due = (record.occurred_at - sim_start).total_seconds() / speed
        delay = wall_start + due - time.monotonic()
        if delay > 0:
            sleep(delay)
        yield record
