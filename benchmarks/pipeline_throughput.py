"""End-to-end throughput and latency of the whole pipeline, beside the ceiling and the Quix Streams peer.

Usage: python benchmarks/pipeline_throughput.py [--stage-s 20] [--latency-s 30] [--start-rate 100]
       [--step 1.5] [--guarantee at_least_once] [--compare-events 50000] [--bootstrap HOST:PORT]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

producer (EventPublisher, validating) -> Kafka -> `pantau worker` (Faust) -> Kafka -> sink -> chDB.

1. Ramp: offer rising rates (start, x step each stage) until the pipeline stops keeping up. A stage's
   end-to-end rate is the lower of what the worker consumed (its committed offsets) and the raw events
   the sink landed, per second; the stage is saturated when that is below 90 % of what was sent (or the
   producer itself could not send the offered rate). Sustained events/s: the best end-to-end rate of
   any stage.
2. Latency: after draining, offer 25, 50 and 75 % of the sustained rate in turn. For every ticket whose
   ending event (service.completed, ticket.abandoned) was sent in the stage, the latency is from the
   moment that event was handed to the producer to the moment the sink's INSERT of the ticket's row
   returned (queryable from then on; see _pipeline.py, which also reads sampled rows back).
3. On the same broker and the first --compare-events of the same simulated stream: the no-processing
   ceiling's concurrent end-to-end rate (ceiling.py) and the Quix Streams peer's events/s (quix_peer.py).
   Ratios: Pantau end to end / ceiling end to end, and Pantau's worker / the peer (both stream processors
   alone).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import ceiling
import quix_peer
from _common import (
    configured_bootstrap,
    cpu_s,
    kafka,
    machine,
    print_table,
    simulated_records,
    simulated_stream,
    worker_topics,
)
from _pipeline import Pipeline, Progress
from clickhouse_connect.driver.client import Client

from pantau.clickhouse import EmbeddedTarget, apply_migrations, clickhouse_session
from pantau.settings import PantauSettings

DATABASE = "pantau"
KEEPS_UP = 0.9


@dataclass(frozen=True)
class Stage:
    """One offered rate and what the pipeline made of it."""

    offered: float
    sent_per_s: float
    worker_per_s: float
    landed_per_s: float
    worker_lag: int
    sink_lag: int
    cpu: dict[str, float]
    """Cores used over the stage: the worker process, this process (producer and sink), the broker."""

    @property
    def end_to_end(self) -> float:
        return min(self.worker_per_s, self.landed_per_s)

    @property
    def saturated(self) -> bool:
        return self.sent_per_s < KEEPS_UP * self.offered or self.end_to_end < KEEPS_UP * self.sent_per_s


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, count): a rate that smooths the worker's commits every 2.8 s."""
    mean_t = statistics.fmean(t for t, _ in points)
    mean_v = statistics.fmean(v for _, v in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process so far (a process gone is left out)."""
    seconds = {}
    for pid in pids:
        try:
            seconds[pid] = cpu_s(pid)
        except OSError:
            continue
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes present at both (one that exited or
    started in between, such as another run's broker shutting down, would count its whole life)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def stage_processes(pipeline: Pipeline) -> dict[str, list[int]]:
    """The processes whose CPU a stage reports: the worker, this one, and the broker's JVM (by its main class)."""
    found = subprocess.run(["pgrep", "-f", "kafka.Kafka"], capture_output=True, text=True, check=False)
    worker = pipeline.worker.pid
    return {"worker": [worker] if worker is not None else [], "producer+sink": [os.getpid()],
            "broker": [int(pid) for pid in found.stdout.split()]}


def run_stage(pipeline: Pipeline, rate: float, seconds: float) -> Stage:
    """Offer `rate` for `seconds` on a thread while sampling progress each second; rates are slopes of the
    samples after the first 3 s (the worker's and the sink's pace once the new rate has reached them)."""
    sent_per_s: list[float] = []
    sender = threading.Thread(target=lambda: sent_per_s.append(pipeline.producer.offer(rate, seconds)))
    processes = stage_processes(pipeline)
    cpu_before = {name: cpu_seconds(pids) for name, pids in processes.items()}
    started = time.perf_counter()
    sender.start()
    samples: list[Progress] = []
    while sender.is_alive():
        samples.append(pipeline.progress())
        time.sleep(1.0)
    sender.join()
    elapsed = time.perf_counter() - started
    cpu = {name: cpu_used(cpu_before[name], cpu_seconds(pids)) / elapsed for name, pids in processes.items()}
    steady = [sample for sample in samples if sample.at - started >= 3.0] or samples
    last = samples[-1]
    return Stage(rate, sent_per_s[0], slope([(p.at, p.worker_done) for p in steady]),
                 slope([(p.at, p.landed_events) for p in steady]), last.worker_lag, last.sink_lag, cpu)


def ramp(pipeline: Pipeline, start: float, step: float, seconds: float, max_rate: float) -> list[Stage]:
    """Rising rates until a stage saturates (or `max_rate`)."""
    stages: list[Stage] = []
    rate = start
    while rate <= max_rate:
        stage = run_stage(pipeline, rate, seconds)
        stages.append(stage)
        print(f"  offered {rate:,.0f}/s: sent {stage.sent_per_s:,.0f}/s, end to end {stage.end_to_end:,.0f}/s"
              f"{' (saturated)' if stage.saturated else ''}", flush=True)
        if stage.saturated:
            break
        rate *= step
    return stages


@dataclass(frozen=True)
class LatencyStage:
    """One latency stage: its label and rate, and per timed ticket the seconds to queryable and,
    of those, to the worker's output on the tickets topic (the rest is the sink's part)."""

    label: str
    offered: float
    sent_per_s: float
    to_queryable: list[float]
    to_worker_output: list[float]


def latency_stage(pipeline: Pipeline, label: str, rate: float, seconds: float) -> LatencyStage:
    """Drain, offer `rate` with ticket endings stamped `label`, drain again."""
    pipeline.drain(300)
    pipeline.stamps.label = label
    sent_per_s = pipeline.producer.offer(rate, seconds)
    pipeline.stamps.label = "after"
    pipeline.drain(300)
    to_queryable = pipeline.stamps.latencies.get(label, [])
    return LatencyStage(label, rate, sent_per_s, to_queryable, pipeline.stamps.to_worker_output.get(label, []))


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def run_pantau(args: argparse.Namespace, bootstrap: str, client: Client, folder: Path) -> tuple[list[Stage],
                                                                                              list[LatencyStage]]:
    """The ramp and the latency stages on fresh topics; the worker and sink stopped afterwards."""
    prefix = f"benchpipe{uuid.uuid4().hex[:6]}"
    settings = PantauSettings(kafka_bootstrap=bootstrap, topic_prefix=prefix, stream_guarantee=args.guarantee,
                              kafka_partitions=6)
    worker_topics(settings)
    apply_migrations(client, DATABASE)
    pipeline = Pipeline(settings, client, DATABASE, simulated_stream(args.offices), folder)
    pipeline.start()
    try:
        warm = pipeline.producer.offer(100, 5)
        print(f"worker started; warm-up at {warm:,.0f} events/s drained in {pipeline.drain(240):.1f} s", flush=True)
        stages = ramp(pipeline, args.start_rate, args.step, args.stage_s, args.max_rate)
        sustained = max(stage.end_to_end for stage in stages)
        print(f"sustained {sustained:,.0f} events/s; draining", flush=True)
        latencies = []
        for share in (0.25, 0.5, 0.75):
            stage = latency_stage(pipeline, f"{share:.0%}", share * sustained, args.latency_s)
            latencies.append(stage)
            print(f"  {stage.label}: {len(stage.to_queryable):,} tickets timed", flush=True)
        print(f"read-back checks passed: {pipeline.stamps.checked}")
    finally:
        pipeline.stop()
    return stages, latencies


def run_ceiling(bootstrap: str, client: Client, count: int) -> float:
    """The ceiling's concurrent end-to-end events/s on the first `count` events, into the same chDB."""
    records = simulated_records(count)
    client.command(f"CREATE DATABASE IF NOT EXISTS {ceiling.DATABASE}")
    client.command(ceiling.DDL)
    return count / ceiling.end_to_end(bootstrap, client, records, 5000)


def worker_part(values: list[float]) -> tuple[float | str, float | str]:
    """p50 and p99 in ms of the worker's part, or "-" when too few rows were stamped."""
    if len(values) < 2:
        return "-", "-"
    return 1000 * quantile(values, 0.5), 1000 * quantile(values, 0.99)


def print_results(stages: list[Stage], latencies: list[LatencyStage],
                  ceiling_rate: float, peer_rate: float | None, guarantee: str) -> None:
    sustained = max(stage.end_to_end for stage in stages)
    best = max(stages, key=lambda stage: stage.end_to_end)
    print(f"\npipeline ({guarantee}): producer -> Kafka -> pantau worker -> Kafka -> sink -> chDB; {machine()}")
    print_table(("offered events/s", "sent/s", "worker/s", "landed/s", "end to end/s", "worker lag", "sink lag",
                 "saturated", "CPU cores: worker", "producer+sink", "broker"),
                [(s.offered, s.sent_per_s, s.worker_per_s, s.landed_per_s, s.end_to_end, s.worker_lag, s.sink_lag,
                  "yes" if s.saturated else "no", f"{s.cpu['worker']:.2f}", f"{s.cpu['producer+sink']:.2f}",
                  f"{s.cpu['broker']:.2f}") for s in stages])
    print(f"\nsustained end to end: {sustained:,.0f} events/s (worker {best.worker_per_s:,.0f}/s in that stage)\n")
    print("event to queryable, and of it the part to the worker's output (its row on the tickets topic):")
    print_table(("load", "offered/s", "sent/s", "tickets", "p50 ms", "p90 ms", "p99 ms", "max ms",
                 "to worker output: p50 ms", "p99 ms"),
                [(s.label, s.offered, s.sent_per_s, len(s.to_queryable), 1000 * quantile(s.to_queryable, 0.5),
                  1000 * quantile(s.to_queryable, 0.9), 1000 * quantile(s.to_queryable, 0.99),
                  1000 * max(s.to_queryable), *worker_part(s.to_worker_output))
                 for s in latencies if len(s.to_queryable) > 1])
    print()
    rows: list[tuple[str, float, str]] = [
        ("Pantau end to end", sustained, "-"),
        ("ceiling end to end (no processing)", ceiling_rate, f"{sustained / ceiling_rate:.2f}"),
    ]
    if peer_rate is not None:
        rows.append(("Quix Streams peer (one process)", peer_rate, f"{best.worker_per_s / peer_rate:.2f} (worker)"))
    print_table(("figure", "events/s", "Pantau / it"), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage-s", type=float, default=20.0, help="seconds per ramp stage")
    parser.add_argument("--latency-s", type=float, default=30.0, help="seconds per latency stage")
    parser.add_argument("--start-rate", type=float, default=100.0, help="first offered rate, events/s")
    parser.add_argument("--step", type=float, default=1.5, help="factor between ramp stages")
    parser.add_argument("--max-rate", type=float, default=50_000.0, help="stop the ramp above this rate")
    parser.add_argument("--offices", type=int, default=26, help="simulated offices (the catalog has 26)")
    parser.add_argument("--guarantee", default="at_least_once", help="at_least_once (default) or exactly_once")
    parser.add_argument("--compare-events", type=int, default=50_000, help="events for the ceiling and the peer")
    parser.add_argument("--no-peer", action="store_true", help="skip the Quix Streams peer")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap, tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with clickhouse_session(EmbeddedTarget(path=folder / "chdb")) as client:
            stages, latencies = run_pantau(args, bootstrap, client, folder)
            print("ceiling ...", flush=True)
            ceiling_rate = run_ceiling(bootstrap, client, args.compare_events)
        peer_rate = None
        if not args.no_peer:
            print("Quix Streams peer ...", flush=True)
            peer_rate = quix_peer.run_peer(bootstrap, simulated_records(args.compare_events), 5.0).events_per_s
    print_results(stages, latencies, ceiling_rate, peer_rate, args.guarantee)
    print(f"\nwhole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
