"""Producer-side figures: simulator generation rate, validation rate, and replay into Kafka.

Usage: python benchmarks/producer_throughput.py [--offices 20] [--days 1] [--bootstrap localhost:9092]
Prints a table; needs a running broker for the replay row (`pantau kafka up`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import orjson

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.replay import replay_file
from producers.simulator import SimulationOptions, simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offices", type=int, default=20)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--bootstrap", default="localhost:9092")
    args = parser.parse_args()
    catalog = load_catalog()
    options = SimulationOptions(offices=args.offices, days=args.days, seed=1, start=date(2026, 11, 2))

    started = time.perf_counter()
    records = list(simulate(catalog, options))
    generate_s = time.perf_counter() - started

    validator = EventValidator(catalog)
    started = time.perf_counter()
    for record in records:
        validator.validate(record.payload)
    validate_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.jsonl"
        path.write_bytes(b"\n".join(record.payload for record in records) + b"\n")
        settings = PantauSettings(kafka_bootstrap=args.bootstrap, topic_prefix="bench")
        publisher = EventPublisher(create_producer(settings), validator, "bench", "file:bench")
        started = time.perf_counter()
        replay_file(path, publisher)
        publisher.close()
        replay_s = time.perf_counter() - started

    count = len(records)
    print(f"{'stage':<28}{'events':>10}{'seconds':>10}{'events/s':>12}")
    for stage, seconds in (
        ("simulate (generate)", generate_s),
        ("validate (contract v1)", validate_s),
        ("replay -> Kafka (acks=all)", replay_s),
    ):
        print(f"{stage:<28}{count:>10}{seconds:>10.2f}{count / seconds:>12,.0f}")
    print()
    print_day_summary(records, catalog)


def print_day_summary(records: list, catalog: object) -> None:  # type: ignore[type-arg]
    """The numbers a regional manager would look at first."""
    issued: dict[tuple[str, str], datetime] = {}
    service_of: dict[tuple[str, str], str] = {}
    waits: list[float] = []
    tickets = abandoned = completed = complaints = 0
    unsur: dict[int, list[int]] = defaultdict(list)
    for record in records:
        event = orjson.loads(record.payload)
        kind = event["type"]
        at = datetime.fromisoformat(event["occurred_at"])
        if kind == "ticket.issued":
            tickets += 1
            issued[(event["office_id"], event["ticket_id"])] = at
            service_of[(event["office_id"], event["ticket_id"])] = event["service_code"]
        elif kind == "service.started":
            waits.append((at - issued[(event["office_id"], event["ticket_id"])]).total_seconds() / 60)
        elif kind == "ticket.abandoned":
            abandoned += 1
        elif kind == "service.completed":
            completed += 1
        elif kind == "complaint.filed":
            complaints += 1
        elif kind == "survey.submitted":
            for index in range(1, 10):
                unsur[index].append(event["scores"][f"u{index}"])
    ikm = sum(statistics.mean(unsur[i]) * 0.111 for i in range(1, 10)) * 25 if unsur else float("nan")
    print(f"tickets {tickets:,}; served {completed:,}; abandoned {abandoned / tickets:.1%}")
    print(f"wait mean {statistics.mean(waits):.1f} min, p90 {statistics.quantiles(waits, n=10)[-1]:.1f} min")
    print(f"complaints {complaints} ({1000 * complaints / completed:.1f} per 1,000 completed)")
    print(f"surveys {len(unsur[1])}; IKM (all offices pooled) {ikm:.2f}")


if __name__ == "__main__":
    main()
