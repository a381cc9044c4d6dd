"""One `pantau worker` against two in one consumer group on 6 partitions: what does a second worker add?

Usage: python benchmarks/two_workers.py [--offices 12] [--days 2] [--guarantee at_least_once]
       [--timeout-s 900] [--bootstrap HOST:PORT]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

The same simulated history (--offices offices x --days days from START, as worker_throughput.py) is
published (validated, as Pantau's producers do) twice, each time to a fresh topic prefix with its
topics and changelog created beforehand (_common.worker_topics). On the first prefix one worker
(pantau.runtime.worker_process.WorkerProcess) consumes it; on the second, two workers in the same
consumer group (streams.app.app_id), started together, share it. Each run is timed as
worker_throughput.py times one: from launch until the group's committed offsets first move (start-up:
interpreter, Faust, group join, the first commit), then until the group's lag on the events topic is 0
(processing, polled every 0.5 s with pantau.kafka.lag.LagProbe); events/s = N / processing.

Also printed per worker: its CPU seconds (utime + stime from /proc/<pid>/stat) over the whole run and
over processing alone, and the events-topic partitions the group gave it when the lag reached 0, with
the events on them (the offices are keyed to partitions, so 12 offices spread unevenly over 6
partitions and one worker's share can be much larger than half). Each worker has a state directory of
its own (PANTAU_STATE_DIR, so Faust's datadirs differ); the pseudonym key is fixed for the run.

The machine has 2 cores: the broker, this script and the workers share them, so two workers can add at
most what the second core has left; the ratio two/one says how much that is.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import PARTITIONS, START, configured_bootstrap, cpu_s, kafka, machine, print_table, worker_topics

from pantau.catalog import Catalog, load_catalog
from pantau.contract import EventValidator
from pantau.kafka.admin import admin_client
from pantau.kafka.client_config import kafka_connection_config
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from streams.app import app_id


@dataclass(frozen=True)
class GroupRun:
    """One timed run of `workers` workers in one group on a fresh prefix."""

    workers: int
    events: int
    publish_s: float
    startup_s: float
    processing_s: float
    cpu_total_s: list[float]
    cpu_busy_s: list[float]
    assignment: list[list[int]]  # events-topic partitions of each group member, as the group reported them
    partition_events: dict[int, int]  # events on each partition of the events topic

    @property
    def events_per_s(self) -> float:
        return self.events / self.processing_s

    @property
    def from_launch_per_s(self) -> float:
        return self.events / (self.startup_s + self.processing_s)


def publish(settings: PantauSettings, catalog: Catalog, records: list[SimulatedRecord]) -> tuple[int, float]:
    """Validate and send every record to the events topic of `settings.topic_prefix`; (accepted, seconds)."""
    started = time.monotonic()
    publisher = EventPublisher(create_producer(settings), EventValidator(catalog), settings.topic_prefix, "bench")
    for position, record in enumerate(records):
        publisher.publish(record.payload, str(position))
    publisher.close()
    return publisher.counts.accepted, time.monotonic() - started


def assignment(settings: PantauSettings, group: str, topic: str) -> list[list[int]]:
    """Partitions of `topic` each member of `group` holds now (members sorted by their first partition)."""
    admin = admin_client(settings.bootstrap_servers, connection=kafka_connection_config(settings))
    try:
        described: dict[str, Any] = admin.describe_groups([group])
    finally:
        admin.close()
    members: list[list[int]] = []
    for member in described.get(group, {}).get("members", []):
        assigned = member.get("member_assignment") or {}
        held = [
            partition
            for item in assigned.get("assigned_partitions", [])
            if item.get("topic") == topic
            for partition in item.get("partitions", [])
        ]
        members.append(sorted(held))
    return sorted(members, key=lambda held: held[:1] or [PARTITIONS])


def tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def run_group(
    bootstrap: str,
    catalog: Catalog,
    records: list[SimulatedRecord],
    workers: int,
    args: argparse.Namespace,
    folder: Path,
) -> GroupRun:
    """Publish `records` to a fresh prefix, start `workers` workers together, time until the group's lag is 0."""
    prefix = f"bench2w{uuid.uuid4().hex[:6]}"
    settings = PantauSettings(
        kafka_bootstrap=bootstrap, topic_prefix=prefix, stream_guarantee=args.guarantee, kafka_partitions=PARTITIONS
    )
    worker_topics(settings, catalog)
    events, publish_s = publish(settings, catalog, records)
    group, topic = app_id(prefix), EVENTS.name(prefix)
    processes: list[tuple[WorkerProcess, Path]] = []
    for index in range(workers):
        log = folder / f"{prefix}-worker{index}.log"
        env = {
            "PANTAU_PSEUDONYM_KEY": "bench-pseudonym-key",
            "PANTAU_STREAM_GUARANTEE": args.guarantee,
            "PANTAU_STATE_DIR": str(folder / f"{prefix}-state{index}"),
        }
        processes.append((WorkerProcess(settings, log, env), log))
    probe = LagProbe(settings)
    try:
        launched = time.monotonic()
        for process, _ in processes:
            process.start()
        first_progress: float | None = None
        busy_from: list[float] = []
        while True:
            lag = probe.group_lag(group, [topic]).total
            now = time.monotonic()
            if first_progress is None and lag < events:
                first_progress = now
                busy_from = [cpu_s(process.pid) for process, _ in processes if process.pid is not None]
            if lag == 0:
                break
            for process, log in processes:
                if process.exit_code is not None:
                    raise SystemExit(f"a worker exited with {process.exit_code}; its log ends:\n{tail(log)}")
            if now - launched > args.timeout_s:
                raise SystemExit(f"the group's lag is still {lag:,} after {args.timeout_s:.0f} s")
            time.sleep(0.5)
        finished = time.monotonic()
        totals = [cpu_s(process.pid) for process, _ in processes if process.pid is not None]
        held = assignment(settings, group, topic)
        ends = probe.end_offsets([topic])
    finally:
        for process, _ in processes:
            process.stop()
        probe.close()
    assert first_progress is not None
    return GroupRun(
        workers=workers,
        events=events,
        publish_s=publish_s,
        startup_s=first_progress - launched,
        processing_s=finished - first_progress,
        cpu_total_s=totals,
        cpu_busy_s=[total - start for total, start in zip(totals, busy_from, strict=True)],
        assignment=held,
        partition_events={tp.partition: end for tp, end in sorted(ends.items())},
    )


def each(values: list[float]) -> str:
    return " + ".join(f"{value:.1f}" for value in values)


def shares(run: GroupRun) -> str:
    """Partitions and events of each member, e.g. `0,2,4: 30,120 + 1,3,5: 29,000`."""
    return " + ".join(
        f"{','.join(map(str, held)) or '-'}: {sum(run.partition_events.get(p, 0) for p in held):,}"
        for held in run.assignment
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=12, help="simulated offices (the catalog has 26)")
    parser.add_argument("--days", type=int, default=2, help="simulated days from START")
    parser.add_argument("--guarantee", default="at_least_once", help="at_least_once (default) or exactly_once")
    parser.add_argument("--timeout-s", type=float, default=900.0, help="give up on a run after this long")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    catalog = load_catalog()
    offices = min(args.offices, len(catalog.offices))
    records = list(simulate(catalog, SimulationOptions(offices=offices, days=args.days, seed=1, start=START)))
    load = os.getloadavg()
    runs: list[GroupRun] = []
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap, tempfile.TemporaryDirectory() as name:
        for workers in (1, 2):
            runs.append(run_group(bootstrap, catalog, records, workers, args, Path(name)))
            run = runs[-1]
            print(
                f"  {workers} worker(s): {run.events_per_s:,.0f} events/s ({run.events:,} in "
                f"{run.processing_s:.1f} s after {run.startup_s:.1f} s start-up)",
                flush=True,
            )

    one, two = runs
    print(
        f"\none vs two `pantau worker` in one group: {offices} offices x {args.days} days from {START} "
        f"({one.events:,} events), {PARTITIONS} partitions, {args.guarantee}; {machine()}; "
        f"load average at start {load[0]:.2f}"
    )
    print_table(
        (
            "workers",
            "events",
            "start-up s",
            "processing s",
            "events/s",
            "from launch/s",
            "CPU s (whole run)",
            "CPU s (processing)",
            "partitions: events (each worker)",
        ),
        [
            (
                run.workers,
                run.events,
                run.startup_s,
                run.processing_s,
                run.events_per_s,
                run.from_launch_per_s,
                each(run.cpu_total_s),
                each(run.cpu_busy_s),
                shares(run),
            )
            for run in runs
        ],
    )
    print(
        f"\ntwo / one: {two.events_per_s / one.events_per_s:.2f} (events/s over processing), "
        f"{two.from_launch_per_s / one.from_launch_per_s:.2f} (from launch)"
    )
    print(f"events per partition: {', '.join(f'{p}: {n:,}' for p, n in one.partition_events.items())}")
    print(f"\nwhole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
