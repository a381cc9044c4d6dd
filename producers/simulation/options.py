"""What a simulation run is asked for, and what it yields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SimulationOptions:
    """A seeded run over the first `offices` offices of the catalog for `days` local days from `start`."""

    offices: int
    days: int
    seed: int
    start: date
    out_of_order: float = 0.0  # share of events delivered later than events that happened after them
    duplicates: float = 0.0  # share of events delivered twice (same event_id, same bytes)
    invalid: float = 0.0  # share of extra invalid lines, for dead-letter tests


@dataclass(frozen=True)
class SimulatedRecord:
    """One line as a producer would send it: key (office_id), exact JSON bytes, and when it happened."""

    key: str
    payload: bytes
    occurred_at: datetime  # UTC
    valid_expected: bool = True
