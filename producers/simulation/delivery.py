"""How events reach Kafka in real life: a little late, sometimes twice, occasionally garbled.

Perturbations are applied to the ordered stream with a seeded generator: an out-of-order event is held
back behind 1-200 later events; a duplicate is re-sent after 1-500 events; invalid lines are inserted
from a fixed set of realistic mistakes (each a distinct dead-letter reason).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Iterator

import orjson

from producers.simulation.options import SimulatedRecord

_INVALID_TEMPLATES: tuple[bytes, ...] = (
    b'{"event_id": "broken", "type": "ticket.issued", ',  # truncated JSON
    b'{"type": "ticket.issued", "office_id": "%(office)s", "occurred_at": "2026-01-05T08:00:00+07:00", "v": 1}',
    b'{"event_id": "x-%(n)d", "type": "ticket.issued", "office_id": "KANTOR-FIKTIF", "v": 1, '
    b'"occurred_at": "2026-01-05T08:00:00+07:00", "ticket_id": "A1", "service_code": "KTP"}',
    b'{"event_id": "x-%(n)d", "type": "survey.submitted", "office_id": "%(office)s", "v": 1, '
    b'"occurred_at": "2026-01-05T08:00:00+07:00", "survey_id": "S", "service_code": "KTP", '
    b'"scores": {"u1": 5, "u2": 4, "u3": 4, "u4": 4, "u5": 4, "u6": 4, "u7": 4, "u8": 4, "u9": 4}}',
    b'{"event_id": "x-%(n)d", "type": "ticket.called", "office_id": "%(office)s", "v": 1, '
    b'"occurred_at": "2026-01-05T08:00:00+07:00", "ticket_id": 17, "counter_id": "L01"}',
    b'{"event_id": "x-%(n)d", "type": "ticket.called", "office_id": "%(office)s", "v": 1, '
    b'"occurred_at": "05/01/2026 08:00", "ticket_id": "A1", "counter_id": "L01"}',
)


def deliver(
    records: Iterable[SimulatedRecord], rng: random.Random, out_of_order: float, duplicates: float, invalid: float
) -> Iterator[SimulatedRecord]:
    """Yield records in delivery order with the requested perturbations (none when all shares are 0)."""
    held: list[tuple[int, int, SimulatedRecord]] = []  # (release at index, tie-break, record)
    index = 0
    tie = 0
    for record in records:
        index += 1
        while held and held[0][0] <= index:
            yield heapq.heappop(held)[2]
        if invalid and rng.random() < invalid:
            yield _invalid(rng, record, index)
        if duplicates and rng.random() < duplicates:
            tie += 1
            heapq.heappush(held, (index + rng.randint(1, 500), tie, record))
        if out_of_order and rng.random() < out_of_order:
            tie += 1
            heapq.heappush(held, (index + rng.randint(1, 200), tie, record))
            continue
        yield record
    while held:
        yield heapq.heappop(held)[2]


def _invalid(rng: random.Random, neighbour: SimulatedRecord, n: int) -> SimulatedRecord:
    template = rng.choice(_INVALID_TEMPLATES)
    payload = template.replace(b"%(office)s", neighbour.key.encode()).replace(b"%(n)d", str(n).encode())
    return SimulatedRecord(neighbour.key, payload, neighbour.occurred_at, valid_expected=False)


def encode(event: dict[str, object]) -> bytes:
    return orjson.dumps(event)
