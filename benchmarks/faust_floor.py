"""The do-nothing Faust floor: how fast faust-streaming alone moves Pantau's events, with no processing at all.

Usage: python benchmarks/faust_floor.py [--events 90000] [--batch 500] [--within 1.0] [--rounds 1]
       [--modes events take_events getmany] [--bootstrap HOST:PORT]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

N simulated events (JSON bytes, keyed by office, 6 partitions; acks=all and lz4, as Pantau's producers
send them) go to one fresh topic. Then three consumers read the whole topic one after another, each in a
fresh consumer group, each in a child process of its own (`--child MODE`) started from this script
(--rounds R repeats the three in turn; the ratios then use each mode's median):

  events       a Faust app (faust-streaming, as `pantau worker` builds its app: memory store, no web
               server, a temporary datadir, earliest, at_least_once, raw serializers, the Faust/aiokafka
               loggers at WARNING) with one agent doing nothing but count, `async for e in stream.events()`
  take_events  the same app, the agent counting `stream.take_events(--batch, within=--within)` batches
  getmany      plain aiokafka (the client under Faust), `await consumer.getmany()` in a loop: the ceiling
               of the client Faust is built on

Per mode, all on time.monotonic (system-wide, so the child's and this script's clocks agree):
  start-up s     child launched -> the group assigned it the topic's partitions (interpreter, imports,
                 Faust start, group join); for Faust, its on_partitions_assigned signal, sent after it
                 paused the new partitions (it resumes them after its recovery step, which is counted)
  to 1st s       assignment -> first event in the agent (or first non-empty getmany)
  consuming s    assignment -> the N-th event in hand; events/s = N / consuming s
  from launch/s  N / (launch -> the N-th event): what a freshly started process achieves
  CPU s          the child's user + system seconds from the assignment to the N-th event (of 2 cores here,
                 shared with the broker)
  shutdown s     the N-th event -> the child exited (Faust's graceful stop on SIGTERM)
getmany hands over everything the fetcher has buffered (max_records unset), so its batches are large;
take_events hands over a partial batch only when `within` expires, so a run whose last batch is partial
includes up to `within` of waiting (the batches column shows whether any batch was partial).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODES = ("events", "take_events", "getmany")
PARTITIONS = 6  # as _common.PARTITIONS; not imported so the child imports nothing of Pantau


# -- the children (one per mode) ----------------------------------------------------------------------------


class Counter:
    """Counts consumed events; at the N-th writes the timings (time.monotonic, system-wide) to `result`."""

    def __init__(self, events: int, result: Path) -> None:
        self._events = events
        self._result = result
        self.count = 0
        self.batches = 0
        self.assigned: float | None = None
        self.assigned_cpu_s = 0.0
        self.first: float | None = None
        self.finished = False

    def on_assigned(self) -> None:
        """The group has handed this consumer the topic's partitions (the first time only)."""
        if self.assigned is None:
            self.assigned = time.monotonic()
            self.assigned_cpu_s = cpu_s()

    def add(self, count: int) -> bool:
        """Count `count` events handed over at once; True once all N were seen (the result is written then)."""
        if count == 0:
            return self.finished
        now = time.monotonic()
        if self.first is None:
            self.first = now
        self.count += count
        self.batches += 1
        if self.count >= self._events and not self.finished:
            self.finished = True
            report = {
                "assigned": self.assigned if self.assigned is not None else self.first,
                "first": self.first,
                "last": now,
                "count": self.count,
                "batches": self.batches,
                "cpu_s": cpu_s(),
                "assigned_cpu_s": self.assigned_cpu_s,
            }
            self._result.write_text(json.dumps(report))
        return self.finished


def cpu_s() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    times = os.times()
    return times.user + times.system


def run_faust(mode: str, args: argparse.Namespace) -> None:
    """A Faust worker whose one agent only counts; it stops itself (SIGTERM) after the N-th event."""
    import logging

    import faust

    # As `pantau worker` does: otherwise every debug record is built and then dropped by the handler.
    for name in ("aiokafka", "faust", "mode", "kafka"):
        logging.getLogger(name).setLevel("WARNING")
    counter = Counter(args.events, args.result)

    def stop_when(finished: bool) -> None:
        if finished:
            os.kill(os.getpid(), signal.SIGTERM)  # the Faust worker's own, graceful shutdown

    with tempfile.TemporaryDirectory(prefix="pantau-faust-floor-") as folder:
        app = faust.App(
            f"bench-faust-floor-{mode}-{uuid.uuid4().hex[:6]}",  # the app id is the consumer group
            broker=f"kafka://{args.bootstrap}",
            store="memory://",
            datadir=Path(folder) / "data",
            web_enabled=False,
            consumer_auto_offset_reset="earliest",
            processing_guarantee="at_least_once",
            topic_partitions=PARTITIONS,
            topic_replication_factor=1,
        )
        topic = app.topic(args.topic, key_serializer="raw", value_serializer="raw", partitions=PARTITIONS)

        @app.on_partitions_assigned.connect  # type: ignore[arg-type]
        async def assigned(sender: Any, assigned: set[Any], **_: Any) -> None:
            # Sent once Faust has paused the new partitions and rebalanced agents and tables; they resume after.
            if any(tp.topic == args.topic for tp in assigned):
                counter.on_assigned()

        async def per_event(stream: Any) -> None:
            async for _event in stream.events():
                stop_when(counter.add(1))

        async def in_batches(stream: Any) -> None:
            async for batch in stream.take_events(args.batch, within=args.within):
                stop_when(counter.add(len(batch)))

        app.agent(topic, name="floor")(per_event if mode == "events" else in_batches)
        faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


async def run_getmany(args: argparse.Namespace) -> None:
    """Plain aiokafka: getmany until the N-th event, in a fresh group, with the client's defaults."""
    from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener  # type: ignore[import-untyped]

    counter = Counter(args.events, args.result)

    class Listener(ConsumerRebalanceListener):  # type: ignore[misc]
        async def on_partitions_revoked(self, revoked: Any) -> None:
            pass

        async def on_partitions_assigned(self, assigned: Any) -> None:
            if assigned:
                counter.on_assigned()

    consumer = AIOKafkaConsumer(
        bootstrap_servers=args.bootstrap,
        group_id=f"bench-faust-floor-getmany-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        client_id="pantau-bench-floor",
    )
    await consumer.start()
    consumer.subscribe([args.topic], listener=Listener())
    try:
        while not counter.add(sum(len(messages) for messages in (await consumer.getmany(timeout_ms=1000)).values())):
            pass
    finally:
        await consumer.stop()


# -- the orchestrator -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeRun:
    """What one child reported, with the orchestrator's launch and exit times (time.monotonic, system-wide)."""

    mode: str
    launched: float
    assigned: float
    first: float
    last: float
    exited: float
    count: int
    batches: int
    cpu_s: float
    assigned_cpu_s: float

    @property
    def consuming_s(self) -> float:
        """From the partitions' assignment to the N-th event in hand."""
        return self.last - self.assigned

    @property
    def events_per_s(self) -> float:
        return self.count / self.consuming_s

    @property
    def from_launch_per_s(self) -> float:
        return self.count / (self.last - self.launched)


def run_mode(mode: str, args: argparse.Namespace, bootstrap: str, topic: str, folder: Path) -> ModeRun:
    """One child process for `mode` on `topic`; its output goes to a log shown only if it fails."""
    result, log_file = folder / f"{mode}.json", folder / f"{mode}.log"
    command = [
        sys.executable,
        "-W",
        "ignore",
        __file__,
        "--child",
        mode,
        "--bootstrap",
        bootstrap,
        "--topic",
        topic,
        "--events",
        str(args.events),
        "--batch",
        str(args.batch),
        "--within",
        str(args.within),
        "--result",
        str(result),
    ]
    with log_file.open("wb") as log:
        launched = time.monotonic()
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            code = child.wait(args.timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            code = child.wait()
        exited = time.monotonic()
    if not result.exists():
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"{mode}: the child (exit {code}) did not consume all {args.events:,} events:\n{tail}")
    if code != 0:
        print(
            f"  {mode}: the child exited with {code} after reporting (see its log below)\n"
            + "\n".join(log_file.read_text(errors="replace").splitlines()[-10:])
        )
    reported = json.loads(result.read_text())
    return ModeRun(
        mode=mode,
        launched=launched,
        assigned=reported["assigned"],
        first=reported["first"],
        last=reported["last"],
        exited=exited,
        count=reported["count"],
        batches=reported["batches"],
        cpu_s=reported["cpu_s"],
        assigned_cpu_s=reported["assigned_cpu_s"],
    )


def orchestrate(args: argparse.Namespace) -> None:
    from _common import configured_bootstrap, fresh_topic, kafka, machine, print_table, produce, simulated_records

    started = time.monotonic()
    records = simulated_records(args.events)
    load = os.getloadavg()
    runs: list[tuple[int, ModeRun]] = []
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap, tempfile.TemporaryDirectory() as name:
        topic = fresh_topic(bootstrap, "faust-floor", PARTITIONS)
        produce_s = produce(bootstrap, topic, records)
        print(f"produced {len(records):,} events to {topic} in {produce_s:.1f} s", flush=True)
        for round_ in range(1, args.rounds + 1):
            for mode in args.modes:
                folder = Path(name) / f"round{round_}"
                folder.mkdir(exist_ok=True)
                run = run_mode(mode, args, bootstrap, topic, folder)
                runs.append((round_, run))
                print(
                    f"  {mode}: {run.events_per_s:,.0f} events/s ({run.count:,} in {run.consuming_s:.1f} s)", flush=True
                )

    print(
        f"\nFaust floor: {len(records):,} simulated events, {PARTITIONS} partitions, take_events({args.batch}, "
        f"within={args.within:g}), each mode in a fresh group and child process; {machine()}; "
        f"load average at start {load[0]:.2f}"
    )
    print_table(
        (
            "mode",
            "events",
            "batches",
            "start-up s",
            "to 1st s",
            "consuming s",
            "events/s",
            "from launch/s",
            "CPU s",
            "shutdown s",
        ),
        [
            (
                run.mode if args.rounds == 1 else f"{run.mode} (round {round_})",
                run.count,
                run.batches,
                run.assigned - run.launched,
                run.first - run.assigned,
                run.consuming_s,
                run.events_per_s,
                run.from_launch_per_s,
                run.cpu_s - run.assigned_cpu_s,
                run.exited - run.last,
            )
            for round_, run in runs
        ],
    )
    medians = {mode: statistics.median(run.events_per_s for _, run in runs if run.mode == mode) for mode in args.modes}
    if "getmany" in medians:
        print()
        print_table(
            ("mode", "median events/s" if args.rounds > 1 else "events/s", "/ getmany"),
            [(mode, rate, f"{rate / medians['getmany']:.3f}") for mode, rate in medians.items()],
        )
    print(f"\nwhole run {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=90_000, help="simulated events to send (default 90,000)")
    parser.add_argument("--batch", type=int, default=500, help="take_events: most events per batch (default 500)")
    parser.add_argument("--within", type=float, default=1.0, help="take_events: seconds before a partial batch")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES), help="modes to run, in order")
    parser.add_argument("--rounds", type=int, default=1, help="run the modes this many times (default once)")
    parser.add_argument("--timeout-s", type=float, default=600.0, help="give up on a child after this long")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--topic", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "getmany":
        asyncio.run(run_getmany(args))
    elif args.child is not None:
        run_faust(args.child, args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
