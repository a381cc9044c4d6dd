"""A peer written with Quix Streams: the ticket join and the 5-minute p90 wait, on the same broker and events.

Usage: python benchmarks/quix_peer.py [--events 50000] [--bootstrap HOST:PORT] [--idle-s 5]
       (the broker: --bootstrap, else PANTAU_KAFKA_BOOTSTRAP / KAFKA_BOOTSTRAP, else a private one is started)

The pipeline, in one Quix Streams process (at-least-once, RocksDB state, 6 partitions):
  events keyed by office_id -> ticket events only -> per office|ticket state (the earliest issue and start,
  the latest completion, an abandonment) -> one ticket fact with wait_s when the ticket ends and its issue
  is known -> re-keyed office|service (a repartition topic) -> 5-minute tumbling windows on started_at
  -> the window's p90 wait, re-emitted on every change.
It is the core of what `pantau worker` does for tickets (streams/logic/ticket_lifecycle.py and
windows.py), without revisions of late facts, complaints, surveys, IKM or hourly windows: a lower
bound on the work, so a fair yardstick for events/s of one process (benchmarks/worker_throughput.py).

quixstreams cannot live in Pantau's environment: 3.28.1 requires pydantic<2.14 and
pydantic-settings<2.16, and Pantau pins 2.14.3 and 2.16.3 (every 2.x/3.x release conflicts likewise).
So this script installs it once into its own venv, .pantau/bench-venv, and runs the Quix part there
as a child process (`--child`), which imports nothing from Pantau. Events/s is counted from the first
event the child reads to the last message it handles (start-up and rebalance excluded).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

QUIXSTREAMS = "quixstreams==3.28.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = REPO_ROOT / ".pantau" / "bench-venv"
TICKET_TYPES = frozenset({"ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"})
WINDOW = timedelta(minutes=5)
# Facts reach a window out of event-time order (many offices share a partition after the re-key), and
# Pantau's windows take every late wait; so no fact may be dropped here either.
GRACE = timedelta(days=1)


# -- the Quix Streams side (runs in the bench venv) ------------------------------------------------------


def epoch_ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def fold_ticket(event: dict[str, Any], state: Any) -> dict[str, Any] | None:
    """Fold one ticket event into its ticket's state; the ticket fact once it has ended and its issue is known."""
    ticket = event["ticket_id"]
    known: dict[str, Any] = state.get(ticket) or {}
    if known.get("emitted"):
        return None
    at = epoch_ms(event["occurred_at"])
    kind = event["type"]
    if kind == "ticket.issued" and at < known.get("issued_ms", at + 1):
        known.update(issued_ms=at, service_code=event["service_code"])
    elif kind == "service.started" and at < known.get("started_ms", at + 1):
        known["started_ms"] = at
    elif kind == "service.completed" and at >= known.get("completed_ms", at):
        known.update(completed_ms=at, outcome=event["outcome"])
    elif kind == "ticket.abandoned":
        known["abandoned_ms"] = min(at, known.get("abandoned_ms", at))
    fact = None
    if "issued_ms" in known and ("completed_ms" in known or "abandoned_ms" in known):
        served = "completed_ms" in known and "started_ms" in known
        fact = {
            "office_id": event["office_id"],
            "ticket_id": ticket,
            "service_code": known["service_code"],
            "outcome": known.get("outcome", "abandoned"),
            "started_ms": known.get("started_ms"),
            "wait_s": max(0.0, (known["started_ms"] - known["issued_ms"]) / 1000) if served else None,
        }
        known["emitted"] = True
    state.set(ticket, known)
    return fact


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]  # the "lower" quantile, as Pantau's sketch estimates it


def run_child(bootstrap: str, topic: str, result: Path, idle_s: float) -> None:
    """The Quix Streams application; writes its counts and timings to `result` as JSON."""
    from quixstreams import Application
    from quixstreams.dataframe.windows import Reduce

    seen = Counter[str]()
    clock: dict[str, float] = {}
    samples: list[dict[str, Any]] = []

    def tick(stage: str) -> None:
        now = time.monotonic()
        clock.setdefault("first", now)
        clock["last"] = now
        seen[stage] += 1

    def window_row(window: dict[str, Any]) -> dict[str, Any]:
        tick("windows")
        waits = window["waits"]
        row = {"start_ms": window["start"], "tickets": len(waits), "wait_p90_s": p90(waits) if waits else None}
        if len(samples) < 3:
            samples.append(row)
        return row

    with tempfile.TemporaryDirectory(prefix="quix-state-") as state_dir:
        app = Application(
            broker_address=bootstrap,
            consumer_group=f"bench-quix-{uuid.uuid4().hex[:6]}",
            auto_offset_reset="earliest",
            state_dir=state_dir,
            loglevel="WARNING",
            processing_guarantee="at-least-once",
        )
        events = app.topic(
            topic,
            key_deserializer="str",
            value_deserializer="json",
            timestamp_extractor=lambda value, headers, timestamp, kind: epoch_ms(value["occurred_at"]),
        )
        sdf = app.dataframe(events)
        sdf = sdf.update(lambda value: tick("events"))
        sdf = sdf.filter(lambda value: value["type"] in TICKET_TYPES)
        sdf = sdf.apply(fold_ticket, stateful=True).filter(lambda fact: fact is not None)
        sdf = sdf.update(lambda fact: tick("facts"))
        sdf = sdf.filter(lambda fact: fact["wait_s"] is not None)
        sdf = sdf.group_by(lambda fact: f"{fact['office_id']}|{fact['service_code']}", name="office-service")
        sdf = sdf.set_timestamp(lambda value, key, timestamp, headers: value["started_ms"])
        # current(): a row on every change, as Pantau re-sends a window_metrics row on every change
        waits = Reduce(lambda kept, fact: [*kept, fact["wait_s"]], lambda fact: [fact["wait_s"]])
        sdf = sdf.tumbling_window(WINDOW, grace_ms=GRACE).agg(waits=waits).current()
        sdf = sdf.apply(window_row)
        app.run(timeout=idle_s, collect=False)
    result.write_text(json.dumps({"seen": dict(seen), "clock": clock, "samples": samples}))


# -- the orchestrator (runs in Pantau's environment) -------------------------------------------------------


def bench_python() -> Path:
    """The bench venv's interpreter, with quixstreams installed on first use."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {BENCH_VENV} for {QUIXSTREAMS} (once)")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import quixstreams"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", QUIXSTREAMS], check=True)
    return python


def expected_facts(payloads: list[bytes]) -> tuple[int, int]:
    """Tickets that end with a known issue, and those of them with a wait: what the join must emit."""
    types: dict[tuple[str, str], set[str]] = {}
    for payload in payloads:
        event = json.loads(payload)
        if event["type"] in TICKET_TYPES:
            types.setdefault((event["office_id"], event["ticket_id"]), set()).add(event["type"])
    ended = [
        kinds
        for kinds in types.values()
        if "ticket.issued" in kinds and kinds & {"service.completed", "ticket.abandoned"}
    ]
    waited = [kinds for kinds in ended if {"service.started", "service.completed"} <= kinds]
    return len(ended), len(waited)


@dataclass(frozen=True)
class PeerRun:
    """What the Quix child reported for one run, with the figures the orchestrator checks and prints."""

    events: int
    produce_s: float
    wall_s: float
    seen: dict[str, int]
    busy_s: float
    samples: list[dict[str, Any]]

    @property
    def events_per_s(self) -> float:
        return self.events / self.busy_s


def run_peer(bootstrap: str, records: list[Any], idle_s: float) -> PeerRun:
    """Send `records` to a fresh topic of `bootstrap` and run the Quix app on them in the bench venv."""
    from _common import fresh_topic, produce

    python = bench_python()
    facts, waited = expected_facts([record.payload for record in records])
    with tempfile.TemporaryDirectory() as folder:
        topic = fresh_topic(bootstrap, "quix-peer")
        produce_s = produce(bootstrap, topic, records)
        result = Path(folder) / "result.json"
        command = [str(python), "-W", "ignore", __file__, "--child", "--bootstrap", bootstrap, "--topic", topic]
        command += ["--result", str(result), "--idle-s", str(idle_s)]
        started = time.monotonic()
        subprocess.run(command, check=True, timeout=3600)
        wall_s = time.monotonic() - started
        outcome = json.loads(result.read_text())
    seen, clock = outcome["seen"], outcome["clock"]
    counted = (seen.get("events", 0), seen.get("facts", 0), seen.get("windows", 0))
    if any(got < want for got, want in zip(counted, (len(records), facts, waited), strict=True)):
        raise SystemExit(f"the Quix app stopped early: {seen} (expected {len(records)} events, {facts} facts)")
    return PeerRun(len(records), produce_s, wall_s, seen, clock["last"] - clock["first"], outcome["samples"])


def orchestrate(args: argparse.Namespace) -> None:
    # Pantau's modules only here: the child runs where they cannot be imported.
    from _common import configured_bootstrap, kafka, machine, print_table, simulated_records

    records = simulated_records(args.events)
    facts, waited = expected_facts([record.payload for record in records])
    with kafka(configured_bootstrap(args.bootstrap)) as bootstrap:
        run = run_peer(bootstrap, records, args.idle_s)
    seen, busy_s, count = run.seen, run.busy_s, len(records)
    print(f"\nQuix Streams peer ({QUIXSTREAMS}): {count:,} simulated events; {machine()}")
    print_table(
        ("stage", "messages", "expected", "seconds", "msg/s"),
        [
            ("produce -> Kafka (kafka-python)", count, count, run.produce_s, count / run.produce_s),
            ("events read", seen["events"], count, busy_s, seen["events"] / busy_s),
            ("ticket facts (join)", seen["facts"], facts, busy_s, seen["facts"] / busy_s),
            ("5-min window updates (p90)", seen.get("windows", 0), waited, busy_s, seen.get("windows", 0) / busy_s),
        ],
    )
    idle = f"{args.idle_s:.0f} s idle stop"
    print(f"child process wall time {run.wall_s:.1f} s (start-up, rebalance and {idle} included)")
    for sample in run.samples:
        print(f"  window {datetime.fromtimestamp(sample['start_ms'] / 1000, tz=UTC):%Y-%m-%d %H:%M} UTC: {sample}")
    print(f"\nevents/s of one Quix Streams process: {run.events_per_s:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50_000, help="simulated events to send (default 50,000)")
    parser.add_argument(
        "--bootstrap", default=None, help="Kafka to use (env PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP)"
    )
    parser.add_argument("--idle-s", type=float, default=5.0, help="stop the app after this long without messages")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--topic", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.bootstrap, args.topic, args.result, args.idle_s)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
