"""The cycle collector's pauses in the stream worker's process as its state grows, with and without freezing.

Usage: python benchmarks/gc_pauses.py [--events 400000] [--offices 26] [--batch 500] [--mode both|default|freeze]

The worker keeps every live ticket (and every ended one until the late horizon) as Python objects, so
its heap holds millions of container objects, nearly all of them long-lived and free of reference
cycles. CPython's full collection (generation 2) walks every one of them, and it runs whenever the
objects promoted since the last one reach a quarter of the old ones: a pause that grows with the state
and stalls every partition of the worker at once.

This runs the simulated stream through the worker's own batch protocol (`BatchCheckpointer` over a
`DurableState` whose changelog is discarded, a flush every other batch) in a child process per mode,
timing every collection with `gc.callbacks`:
- default: CPython's collector as it is;
- freeze: what the worker does (streams/gc_policy.py): `gc.freeze()` at most once a second, after a batch.
Printed per mode: collections per generation, the longest and total pause of each, events/s, objects
the collector tracks at the end, and the process's RSS.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import subprocess
import sys
import time
from typing import Any

from _common import machine, print_table, rss_mib, simulated_stream
from profile_processor import DiscardedChangelog, new_processor

from streams.checkpoint import BatchCheckpointer, Message
from streams.durable_state import DurableState
from streams.gc_policy import CollectorPolicy

MODES = ("default", "freeze")


class PauseLog:
    """Every collection's duration, by generation, from `gc.callbacks`."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)


def run_mode(mode: str, events: int, offices: int, batch: int) -> dict[str, Any]:
    """One mode in this process: the stream through the batch protocol, every collection timed."""
    policy = CollectorPolicy(freeze=mode == "freeze")
    checkpointer = BatchCheckpointer(DurableState({}, DiscardedChangelog()), new_processor(), "bench", 1e9)
    log = PauseLog()
    gc.callbacks.append(log)
    records = itertools.islice(simulated_stream(offices), events)
    started = time.perf_counter()
    count = 0
    for number, chunk in enumerate(iter(lambda: list(itertools.islice(records, batch)), [])):
        messages = [Message(count + i, r.occurred_at.timestamp() * 1000, r.payload) for i, r in enumerate(chunk)]
        count += len(messages)
        checkpointer.apply(0, messages)
        checkpointer.sent(0, messages[-1].offset)
        if number % 2 == 1:
            checkpointer.seal(checkpointer.flush_values())
        policy.tick()
    elapsed = time.perf_counter() - started
    gc.callbacks.remove(log)
    return {
        "mode": mode,
        "events": count,
        "events_per_s": count / elapsed,
        "pauses": {str(generation): values for generation, values in log.pauses.items()},
        "tracked": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
        "rss_mib": rss_mib(os.getpid()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400_000)
    parser.add_argument("--offices", type=int, default=26)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mode(args.mode, args.events, args.offices, args.batch)))
        return
    results = []
    for mode in MODES if args.mode == "both" else (args.mode,):
        command = [sys.executable, __file__, "--child", "--mode", mode, "--events", str(args.events),
                   "--offices", str(args.offices), "--batch", str(args.batch)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(f"cycle collector pauses over {args.events:,} events, {args.offices} offices, batches of {args.batch}; "
          f"{machine()}")
    rows = []
    for result in results:
        pauses = result["pauses"]
        rows.append((
            result["mode"], result["events"], result["events_per_s"],
            *(len(pauses[g]) for g in "012"),
            1000 * max(pauses["2"], default=0.0), 1000 * sum(pauses["2"]),
            1000 * max(pauses["1"] + pauses["0"], default=0.0), 1000 * sum(pauses["0"] + pauses["1"]),
            result["tracked"], result["frozen"], result["rss_mib"],
        ))
    print_table(("mode", "events", "events/s", "gen0", "gen1", "gen2", "gen2 max ms", "gen2 total ms",
                 "gen0/1 max ms", "gen0/1 total ms", "tracked at end", "frozen", "RSS MiB"), rows)


if __name__ == "__main__":
    main()
