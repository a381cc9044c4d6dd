"""Where the worker's time goes: the event processor alone (no Kafka, no Faust), timed and profiled.

Usage: python benchmarks/profile_processor.py [--events 30000] [--offices 26] [--batch 500] [--top 20]

streams/processor.py's EventProcessor.process is the per-event work of `pantau worker`. It runs here
two ways, side by side in one run:
- "as the worker runs it": batches of --batch events through streams/checkpoint.py's
  BatchCheckpointer over a DurableState whose changelog is discarded, so each batch pays what the
  worker pays besides Kafka: processing, coalescing, encoding the outputs, and one checkpoint
  (the keys the batch changed, encoded once: streams/typed_state.py), with the worker's collector
  policy (streams/gc_policy.py: `gc.freeze()` after a batch, at most once a second; undone after);
- "per event on dicts": `process` alone on plain dict stores, nothing ever encoded durable (what
  tests/dashboards/seeded_week.py does); the difference is the checkpoint's and the outputs' cost.
The first figure, set beside the worker's (worker_throughput.py), splits a worker's cost into
processing and what Faust and Kafka add. The cProfile table (of the worker's way) names the hot spots.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import time
from typing import Any

from _common import machine, simulated_records

from pantau.catalog import load_catalog
from producers.simulator import SimulatedRecord
from streams.checkpoint import BatchCheckpointer, Message
from streams.durable_state import DurableState
from streams.gc_policy import CollectorPolicy
from streams.processor import EventProcessor, Stores


class DiscardedChangelog:
    """A changelog that counts what it is sent and keeps nothing (the bytes are already encoded)."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    def send(self, partition: int, key: str, value: Any) -> None:
        self.messages += 1
        self.bytes += len(value) if isinstance(value, bytes) else 0


def new_processor() -> EventProcessor:
    return EventProcessor(load_catalog(), b"bench-profile-key", source="kafka:bench.events")


def process_per_event(records: list[SimulatedRecord]) -> tuple[float, int]:
    """Seconds to process every record on fresh dict stores, and the output rows they gave."""
    processor = new_processor()
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    outputs = 0
    started = time.perf_counter()
    for position, record in enumerate(records):
        outputs += len(processor.process(record.payload, f"0/{position}", stores, record.occurred_at))
    return time.perf_counter() - started, outputs


def process_in_batches(records: list[SimulatedRecord], batch: int) -> tuple[float, int, DiscardedChangelog]:
    """Seconds to run every record in batches with a checkpoint each (one partition), the outputs
    sent (after coalescing), and the changelog's count. A flush every 20 batches, as the worker's
    one-second interval does at about 10 batches a second."""
    changelog = DiscardedChangelog()
    checkpointer = BatchCheckpointer(DurableState({}, changelog), new_processor(), "bench", flush_interval_s=1e9)
    messages = [
        Message(offset, record.occurred_at.timestamp() * 1000, record.payload) for offset, record in enumerate(records)
    ]
    collector = CollectorPolicy(freeze=True)
    sent = 0
    started = time.perf_counter()
    for number, first in enumerate(range(0, len(messages), batch)):
        chunk = messages[first : first + batch]
        sent += len(checkpointer.apply(0, chunk))
        checkpointer.sent(0, chunk[-1].offset)
        if number % 20 == 19:
            checkpointer.seal(checkpointer.flush_values())
        collector.tick()
    elapsed = time.perf_counter() - started
    gc.unfreeze()  # the per-event figure runs with CPython's collector as it is
    return elapsed, sent, changelog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=30_000)
    parser.add_argument("--offices", type=int, default=26)
    parser.add_argument("--batch", type=int, default=500, help="events per batch (PANTAU_STREAM_BATCH_MAX_EVENTS)")
    parser.add_argument("--top", type=int, default=20, help="functions listed, by own time")
    args = parser.parse_args()
    records = simulated_records(args.events, args.offices)
    count = len(records)
    batched_s, sent, changelog = process_in_batches(records, args.batch)
    plain_s, outputs = process_per_event(records)
    profiler = cProfile.Profile()
    profiler.enable()
    process_in_batches(records, args.batch)
    profiler.disable()
    print(f"event processor alone, {count:,} events, {args.offices} offices; {machine()} (without the profiler)")
    print(f"  as the worker runs it, batches of {args.batch} with checkpoints: {batched_s:.2f} s, "
          f"{1e6 * batched_s / count:.1f} us/event, {count / batched_s:,.0f} events/s; "
          f"{sent:,} messages after coalescing ({sent / count:.2f}/event); changelog {changelog.messages:,} "
          f"messages, {changelog.bytes / count:,.0f} bytes/event")
    print(f"  per event on dicts, nothing encoded durable: {plain_s:.2f} s, {1e6 * plain_s / count:.1f} us/event, "
          f"{count / plain_s:,.0f} events/s; {outputs:,} output rows ({outputs / count:.2f}/event)\n")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("tottime")
    stats.print_stats(args.top)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
