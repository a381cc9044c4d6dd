"""How events reach Kafka in real life: some late, some twice, a few garbled.

Applied to the time-ordered stream with the run's delivery generator:
- out of order: a record is held back and delivered after 1 to a few hundred later records (a
  lognormal lag, median ~20), as when an office's uplink drops for a while; only ever later, never
  earlier, so no event is delivered before the events that precede it were generated;
- duplicate: a record is sent again, identical bytes, right after or up to a few hundred records
  later (a producer retry after a lost acknowledgement);
- invalid: an extra broken line (see `invalid`) is inserted before a record, with its time and key.
Each share is per valid record, so the counts come out near share x records.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Iterator

from producers.simulator.invalid import InvalidLines
from producers.simulator.options import SimulatedRecord

_MAX_LAG = 5000


def _lag(rng: random.Random) -> int:
    return min(int(rng.lognormvariate(3.0, 1.0)), _MAX_LAG)


def deliver(
    records: Iterable[SimulatedRecord],
    rng: random.Random,
    invalid_lines: InvalidLines,
    out_of_order: float = 0.0,
    duplicates: float = 0.0,
    invalid: float = 0.0,
) -> Iterator[SimulatedRecord]:
    """Yield `records` in delivery order with the requested shares of late, repeated and invalid lines."""
    held: list[tuple[int, int, SimulatedRecord]] = []  # (delivered before record number, tie, record)
    tie = 0
    for index, record in enumerate(records):
        while held and held[0][0] <= index:
            yield heapq.heappop(held)[2]
        if invalid and rng.random() < invalid:
            yield invalid_lines.next_to(record)
        if duplicates and rng.random() < duplicates:
            tie += 1
            heapq.heappush(held, (index + 1 + _lag(rng), tie, record))
        if out_of_order and rng.random() < out_of_order:
            tie += 1
            # At least one later record goes first, so the record is really late.
            heapq.heappush(held, (index + 2 + _lag(rng), tie, record))
            continue
        yield record
    while held:
        yield heapq.heappop(held)[2]
