"""Where the worker's time goes: the event processor alone (no Kafka, no Faust), timed and profiled.

Usage: python benchmarks/profile_processor.py [--events 30000] [--offices 26] [--top 20]

streams/processor.py's EventProcessor.process is the per-event work of `pantau worker`; here it runs
on plain dicts as stores, as tests/dashboards/seeded_week.py does. Its events/s, set beside the
worker's (pipeline_throughput.py), splits a worker's cost into processing and what Faust, Kafka and
the transactions add. The cProfile table names the hot spots inside the processing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from _common import machine, simulated_records

from pantau.catalog import load_catalog
from producers.simulator import SimulatedRecord
from streams.processor import EventProcessor, Stores


def process_all(records: list[SimulatedRecord]) -> tuple[float, int]:
    """Seconds to process every record on fresh dict stores, and the output rows they gave."""
    processor = EventProcessor(load_catalog(), b"bench-profile-key", source="kafka:bench.events")
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    outputs = 0
    started = time.perf_counter()
    for position, record in enumerate(records):
        outputs += len(processor.process(record.payload, f"0/{position}", stores, record.occurred_at))
    return time.perf_counter() - started, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--offices", type=int, default=26)
    parser.add_argument("--top", type=int, default=20, help="functions listed, by own time")
    args = parser.parse_args()
    records = simulated_records(args.events, args.offices)
    seconds, outputs = process_all(records)
    profiler = cProfile.Profile()
    profiler.enable()
    process_all(records)
    profiler.disable()
    print(f"event processor alone: {len(records):,} events -> {outputs:,} output rows in {seconds:.1f} s, "
          f"{len(records) / seconds:,.0f} events/s (without the profiler); {machine()}\n")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("tottime")
    stats.print_stats(args.top)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
