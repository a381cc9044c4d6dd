"""`pantau simulate`: seeded, realistic office events to a JSONL file or to Kafka."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pantau.catalog import load_catalog
from pantau.cli.options import (
    SIMULATED_OFFICES,
    BootstrapOption,
    CatalogOption,
    build_settings,
    parse_day,
    writable_file,
)
from pantau.cli.replay_cmd import print_summary
from pantau.contract import EventValidator
from pantau.errors import ConfigurationError
from pantau.secrets import pseudonym_key
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulatedRecord, SimulationOptions, simulate


def simulate_command(
    offices: Annotated[
        int, typer.Option(min=1, help="How many offices of the catalog to simulate.")
    ] = SIMULATED_OFFICES,
    days: Annotated[int, typer.Option(min=1, max=36500, help="How many local calendar days.")] = 1,
    seed: Annotated[
        int,
        typer.Option(
            help=(
                "Random seed: the same seed (with the same --start, --days and shares) gives the same events, "
                "ids included, so sending a run twice stores it once; another seed gives other events and ids."
            ),
        ),
    ] = 1,
    run_id: Annotated[
        str | None,
        typer.Option(
            "--run-id",
            help=(
                "Make this run distinct from others of the same seed: the same events under other ids "
                "(1-32 letters, digits, '_' or '.'), stored beside the earlier run's instead of repeating them."
            ),
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="First day, YYYY-MM-DD (default: the --days days that end yesterday).")
    ] = None,
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
    """Generate realistic queue, complaint and survey events for N offices over D days.

    Reproducible: the same seed and options give the same events and ids (re-sending them stores
    nothing twice); another seed, or a --run-id, gives ids of its own, so its tickets never overwrite
    another run's.
    """
    if (out is None) == (not to_kafka):
        raise ConfigurationError("choose exactly one destination: --out FILE or --to-kafka")
    if out is not None:
        writable_file(out, "--out")
    # Past days by default: events from the future are dead letters (occurred_in_future).
    first = parse_day(start, "--start") if start else date.today() - timedelta(days=days)
    if first + timedelta(days=days) > date.max - timedelta(days=366):
        raise ConfigurationError(f"--start {first} with --days {days} runs past the calendar; choose fewer days")
    settings = build_settings(kafka_bootstrap=bootstrap, catalog=catalog)
    loaded = load_catalog(settings.catalog)
    options = SimulationOptions(
        offices=offices,
        days=days,
        seed=seed,
        start=first,
        out_of_order=out_of_order,
        duplicates=duplicates,
        invalid=invalid,
        run_id=run_id or "",
    )
    try:
        records = simulate(loaded, options)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    paced = pace(records, speed) if speed else records
    started = time.monotonic()
    if out is not None:
        written = 0
        try:
            with out.open("wb") as handle:
                for record in paced:
                    handle.write(record.payload + b"\n")
                    written += 1
        except OSError as exc:
            raise ConfigurationError(
                f"--out {out}: writing failed after {written} events ({exc.strerror}); "
                "free some space or use another file"
            ) from None
        Console(stderr=True).print(f"wrote {written} events to {out} in {time.monotonic() - started:.1f} s")
        return
    publisher = EventPublisher(
        create_producer(settings),
        EventValidator(loaded, settings.future_tolerance),
        settings.topic_prefix,
        source=f"simulator:seed={seed}" + (f",run={run_id}" if run_id else ""),
        pseudonym_key=pseudonym_key(settings),
    )
    try:
        for position, record in enumerate(paced, start=1):
            publisher.publish(record.payload, position=str(position))
    finally:
        publisher.close()
    print_summary(publisher.counts, time.monotonic() - started)


def pace(
    records: Iterator[SimulatedRecord],
    speed: float,
    sleep: Callable[[float], object] = time.sleep,
    wall_now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Iterator[SimulatedRecord]:
    """Release each record when its occurred_at is due on a clock running `speed` times faster.

    The simulated clock never runs ahead of the wall clock: once it has caught up with now it
    slows to real time, so no event is ever sent before it occurred (an event from the future is
    an occurred_in_future dead letter). Started in the past, a simulation thus replays its history
    fast, then keeps flowing live for as long as it runs. `sleep` may be an Event's `wait`, so a
    stopping pipeline is not held up by a long pause.
    """
    wall_start = time.monotonic()
    wall_origin = wall_now()
    sim_start: datetime | None = None
    for record in records:
        if sim_start is None:
            sim_start = record.occurred_at
        fast_due = (record.occurred_at - sim_start).total_seconds() / speed
        real_due = (record.occurred_at - wall_origin).total_seconds()
        delay = wall_start + max(fast_due, real_due) - time.monotonic()
        if delay > 0:
            sleep(delay)
        yield record
