"""Events per second of one stream worker: publish a simulated history, time until the worker's lag is 0.

Usage: python benchmarks/worker_throughput.py [--offices 10] [--days 2] [--guarantee at_least_once]
       [--bootstrap localhost:9092]   (needs `pantau kafka up`)
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.admin import ensure_topics
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS, topic_names
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulationOptions, simulate
from streams.app import app_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=10)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--guarantee", default="at_least_once")
    parser.add_argument("--bootstrap", default="localhost:9092")
    args = parser.parse_args()
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    settings = PantauSettings(kafka_bootstrap=args.bootstrap, topic_prefix=prefix, stream_guarantee=args.guarantee)
    ensure_topics(args.bootstrap, topic_names(prefix), settings.kafka_partitions)
    catalog = load_catalog()
    records = list(simulate(catalog, SimulationOptions(args.offices, args.days, 1, date(2026, 11, 2))))
    publisher = EventPublisher(create_producer(settings), EventValidator(catalog), prefix, "bench")
    for position, record in enumerate(records):
        publisher.publish(record.payload, str(position))
    publisher.close()

    with tempfile.TemporaryDirectory() as folder:
        worker = WorkerProcess(
            settings,
            Path(folder) / "worker.log",
            {"PANTAU_PSEUDONYM_KEY": "bench-pseudonym-key", "PANTAU_STREAM_GUARANTEE": args.guarantee},
        )
        probe = LagProbe(settings)
        worker.start()
        started = time.monotonic()
        first_progress: float | None = None
        try:
            while True:
                lag = probe.group_lag(app_id(prefix), [EVENTS.name(prefix)]).total
                if first_progress is None and lag < len(records):
                    first_progress = time.monotonic()
                if lag == 0:
                    break
                if worker.exit_code is not None:
                    raise SystemExit(f"worker exited with {worker.exit_code}")
                time.sleep(0.5)
            finished = time.monotonic()
        finally:
            worker.stop()
            probe.close()
    assert first_progress is not None
    busy = finished - first_progress
    print(f"{'events':>8} {'guarantee':>14} {'start-up s':>11} {'processing s':>13} {'events/s':>10}")
    print(
        f"{len(records):>8} {args.guarantee:>14} {first_progress - started:>11.1f} {busy:>13.1f} "
        f"{len(records) / busy:>10,.0f}"
    )


if __name__ == "__main__":
    main()
