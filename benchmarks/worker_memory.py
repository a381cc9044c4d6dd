"""Resident memory of one `pantau worker` over a long run with many offices: does it plateau?

Usage: python benchmarks/worker_memory.py [--offices 200] [--days 4] [--sample-s 5] [--bootstrap HOST:PORT]
       python benchmarks/worker_memory.py --state-only [--offices 200] [--days 7]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

The shipped catalog (26 offices) is cycled to --offices offices with unique ids (as
simulator_throughput.py does) and written to a catalog file the worker is pointed at. All simulated
days are published (validated, as Pantau's producers do) while one worker consumes them; every
--sample-s seconds the worker's RSS is read from /proc/<pid>/status (VmRSS, the whole process) together
with how many events it has committed and the simulated day those events have reached. The table ends
with RSS per simulated day: if the worker keeps state only as long as it needs it, the growth per day
falls towards zero; if it keeps every ticket forever, RSS grows by about the same amount every day.

--state-only skips Kafka and the worker process: the same EventProcessor runs here on plain dicts
(about ten times the worker's rate) and the stores' keys and JSON size are printed per simulated day,
which shows directly which state grows without bound.
"""

from __future__ import annotations

import argparse
import bisect
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from _common import START, configured_bootstrap, kafka, machine, print_table, rss_mib, worker_topics
from simulator_throughput import scaled_catalog

from pantau.catalog import Catalog, load_catalog
from pantau.contract import EventValidator
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulationOptions, simulate
from streams.processor import EventProcessor, Stores
from streams.typed_state import dumps


@dataclass(frozen=True)
class Sample:
    """One reading: seconds since start, events the worker committed, the day they reached, RSS in MiB."""

    seconds: float
    committed: int
    day: date | None
    rss_mib: float


def write_catalog(catalog: Catalog, path: Path) -> Path:
    path.write_text(yaml.safe_dump(catalog.model_dump(mode="json"), sort_keys=False))
    return path


class Publisher(threading.Thread):
    """Publishes the whole simulated history; records the cumulative count at the start of each day."""

    def __init__(self, settings: PantauSettings, catalog: Catalog, options: SimulationOptions) -> None:
        super().__init__(name="bench-publisher", daemon=True)
        self._publisher = EventPublisher(create_producer(settings), EventValidator(catalog), settings.topic_prefix,
                                         "bench")
        self._catalog = catalog
        self._options = options
        self.day_starts: list[int] = []  # events published before day i
        self.sent = 0
        self.done = False

    def run(self) -> None:
        current: date | None = None
        for record in simulate(self._catalog, self._options):
            day = record.occurred_at.date()
            if day != current:
                current = day
                self.day_starts.append(self.sent)
            self._publisher.publish(record.payload, str(self.sent))
            self.sent += 1
        self._publisher.close()
        self.done = True

    def day_of(self, committed: int) -> date | None:
        """The simulated (UTC) day the `committed`-th event belongs to."""
        index = bisect.bisect_right(self.day_starts, max(committed - 1, 0)) - 1
        return None if index < 0 else date.fromordinal(START.toordinal() + index)


def watch(worker: WorkerProcess, probe: LagProbe, publisher: Publisher, topic: str, group: str,
          sample_s: float) -> list[Sample]:
    """Sample until every published event is committed by the worker."""
    samples: list[Sample] = []
    started = time.monotonic()
    while True:
        if worker.exit_code is not None or worker.pid is None:
            raise SystemExit(f"the worker exited with {worker.exit_code}")
        sent = publisher.sent
        committed = sent - probe.group_lag(group, [topic]).total
        samples.append(Sample(time.monotonic() - started, committed, publisher.day_of(committed), rss_mib(worker.pid)))
        print(f"  {samples[-1]}", flush=True)
        if publisher.done and committed >= publisher.sent:
            return samples
        time.sleep(sample_s)


def per_day(samples: list[Sample]) -> list[tuple[str, int, float, float]]:
    """The last sample of each simulated day: day, events committed, RSS, growth since the day before."""
    last: dict[date, Sample] = {}
    for sample in samples:
        if sample.day is not None:
            last[sample.day] = sample
    rows: list[tuple[str, int, float, float]] = []
    previous: float | None = None
    for day, sample in sorted(last.items()):
        rows.append((f"{day} {day:%a}", sample.committed, sample.rss_mib, sample.rss_mib - (previous or 0.0)))
        previous = sample.rss_mib
    return rows


def state_per_day(catalog: Catalog, options: SimulationOptions) -> list[tuple[Any, ...]]:
    """The worker's stores after each simulated (UTC) day, processed in this process on plain dicts:
    keys and JSON bytes per store. Much faster than a worker, so many offices fit in a short run."""
    processor = EventProcessor(catalog, b"bench-memory-key", source="kafka:bench.events")
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    rows: list[tuple[Any, ...]] = []
    current: date | None = None
    for position, record in enumerate(simulate(catalog, options)):
        day = record.occurred_at.date()
        if current is not None and day != current:
            rows.append(store_sizes(current, position, stores))
        current = day
        # Received as it happens (a live office), so a month reaching past today is no occurred_in_future.
        processor.process(record.payload, f"0/{position}", stores, record.occurred_at)
    if current is not None:
        rows.append(store_sizes(current, position + 1, stores))
    return rows


def store_sizes(day: date, events: int, stores: Stores) -> tuple[Any, ...]:
    sizes = {item.name: getattr(stores, item.name) for item in fields(stores)}
    total_bytes = sum(len(dumps(value)) for store in sizes.values() for value in store.values())  # durable JSON
    largest = sorted(sizes.items(), key=lambda item: -len(item[1]))[:4]
    return (f"{day} {day:%a}", events, sum(len(store) for store in sizes.values()), total_bytes / 2**20,
            ", ".join(f"{name} {len(store):,}" for name, store in largest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--sample-s", type=float, default=5.0)
    parser.add_argument("--guarantee", default="at_least_once")
    parser.add_argument("--state-only", action="store_true",
                        help="only the stores' size per day, from the processor in this process (no broker)")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    args = parser.parse_args()
    catalog = scaled_catalog(load_catalog(), args.offices)
    options = SimulationOptions(offices=args.offices, days=args.days, seed=1, start=START)
    if args.state_only:
        print(f"worker state by simulated day: {args.offices} offices x {args.days} days from {START}; {machine()}")
        print_table(("end of day", "events", "keys", "state MiB (JSON)", "largest stores (keys)"),
                    state_per_day(catalog, options))
        return
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap, tempfile.TemporaryDirectory() as name:
        prefix = f"benchmem{uuid.uuid4().hex[:6]}"
        catalog_file = write_catalog(catalog, Path(name) / "catalog.yaml")
        settings = PantauSettings(kafka_bootstrap=bootstrap, topic_prefix=prefix, catalog=catalog_file)
        worker_topics(settings, catalog)
        worker = WorkerProcess(settings, Path(name) / "worker.log", {
            "PANTAU_PSEUDONYM_KEY": "bench-pseudonym-key", "PANTAU_CATALOG": str(catalog_file),
            "PANTAU_STREAM_GUARANTEE": args.guarantee})
        probe = LagProbe(settings)
        publisher = Publisher(settings, catalog, options)
        worker.start()
        publisher.start()
        try:
            samples = watch(worker, probe, publisher, EVENTS.name(prefix), f"{prefix}-streams", args.sample_s)
        finally:
            worker.stop()
            probe.close()
    print(f"\nworker RSS: {args.offices} offices x {args.days} days from {START} ({publisher.sent:,} events), "
          f"{args.guarantee}; {machine()}")
    step = max(1, len(samples) // 20)
    print_table(("seconds", "events committed", "simulated day", "RSS MiB"),
                [(s.seconds, s.committed, str(s.day), s.rss_mib) for s in samples[::step] + samples[-1:]])
    print()
    print_table(("end of day", "events committed", "RSS MiB", "growth MiB"), per_day(samples))


if __name__ == "__main__":
    main()
