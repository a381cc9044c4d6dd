"""Simulator figures: generation rate on one core, memory over a long run, and a one-day summary.

Usage: python benchmarks/simulator_throughput.py [--offices 200] [--days 30] [--seed 1]
                                                [--summary-offices 20] [--summary-day 2026-11-04]

The shipped catalog has 26 offices; for larger runs it is cycled into a synthetic catalog whose
office ids get a numeric suffix (MPP-JKT-01-007), so sizes, hours and time zones stay realistic.
Nothing is kept in memory but the current record: peak RSS shows the day-by-day streaming.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections import Counter, defaultdict
from datetime import date, datetime

import orjson

from pantau.catalog import Catalog, load_catalog
from producers.simulator import SimulationOptions, simulate

START = date(2026, 11, 2)  # a Monday; no holiday in the following four weeks


def scaled_catalog(base: Catalog, offices: int) -> Catalog:
    """The shipped catalog, cycled to `offices` offices with unique ids."""
    if offices <= len(base.offices):
        return base
    copies = [
        base.offices[index % len(base.offices)].model_copy(
            update={"id": f"{base.offices[index % len(base.offices)].id}-{index:03d}"}
        )
        for index in range(offices)
    ]
    return Catalog(services=base.services, offices=tuple(copies))


def throughput(catalog: Catalog, offices: int, days: int, seed: int) -> None:
    options = SimulationOptions(offices=offices, days=days, seed=seed, start=START)
    count = 0
    started = time.perf_counter()
    for _ in simulate(catalog, options):
        count += 1
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generation: {offices} offices x {days} days from {START}")
    print(f"  events          {count:>12,}")
    print(f"  seconds         {elapsed:>12.1f}")
    print(f"  events/s        {count / elapsed:>12,.0f}")
    print(f"  peak RSS (MB)   {peak_mb:>12,.0f}")


def one_day_summary(catalog: Catalog, offices: int, seed: int, day: date) -> None:
    options = SimulationOptions(offices=offices, days=1, seed=seed, start=day)
    events = [orjson.loads(record.payload) for record in simulate(catalog, options)]
    print(f"\none day ({day}, {day:%A}), {offices} offices, seed {seed}: {len(events):,} events")
    for event_type, count in sorted(Counter(event["type"] for event in events).items()):
        print(f"  {event_type:<20} {count:>7,}")
    tickets: dict[tuple[str, str], dict[str, dict[str, object]]] = defaultdict(dict)
    for event in events:
        if "ticket_id" in event:
            tickets[(event["office_id"], event["ticket_id"])][event["type"]] = event
    waits: dict[str, list[float]] = defaultdict(list)
    issued: Counter[str] = Counter()
    abandoned: Counter[str] = Counter()
    for ticket in tickets.values():
        code = str(ticket["ticket.issued"]["service_code"])
        issued[code] += 1
        abandoned[code] += "ticket.abandoned" in ticket
        if "service.started" in ticket:
            waits[code].append(_seconds(ticket["ticket.issued"], ticket["service.started"]))
    header = ("service", "tickets", "mean wait", "p90 wait", "target", "breach", "abandon")
    print("\n  {:<11} {:>7} {:>10} {:>9} {:>7} {:>7} {:>8}".format(*header))
    all_waits: list[float] = []  # sorted below, for the p90
    breaches = 0
    for code in sorted(issued):
        values = sorted(waits[code])
        target = catalog.service(code).target_wait_s
        breached = sum(value > target for value in values)
        breaches += breached
        all_waits += values
        print(
            f"  {code:<11} {issued[code]:>7,} {statistics.mean(values) / 60:>8.1f} m {_p90(values) / 60:>7.1f} m"
            f" {target / 60:>5.0f} m {breached / len(values):>7.1%} {abandoned[code] / issued[code]:>8.1%}"
        )
    all_waits.sort()
    print(
        f"  {'all':<11} {issued.total():>7,} {statistics.mean(all_waits) / 60:>8.1f} m {_p90(all_waits) / 60:>7.1f} m"
        f" {'':>7} {breaches / len(all_waits):>7.1%} {abandoned.total() / issued.total():>8.1%}"
    )


def _seconds(earlier: dict[str, object], later: dict[str, object]) -> float:
    return (
        datetime.fromisoformat(str(later["occurred_at"])) - datetime.fromisoformat(str(earlier["occurred_at"]))
    ).total_seconds()


def _p90(values: list[float]) -> float:
    return values[min(len(values) - 1, int(0.9 * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--summary-offices", type=int, default=20)
    parser.add_argument("--summary-day", type=date.fromisoformat, default=date(2026, 11, 4), help="a Wednesday")
    args = parser.parse_args()
    base = load_catalog()
    throughput(scaled_catalog(base, args.offices), args.offices, args.days, args.seed)
    one_day_summary(base, args.summary_offices, args.seed, args.summary_day)


if __name__ == "__main__":
    main()
