"""What a simulation run is asked for, and what it yields: the simulator's public value types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SimulationOptions:
    """A seeded run over the first `offices` offices of the catalog for `days` local days from `start`.

    The three shares add delivery noise on top of the realistic stream, for testing consumers:
    `out_of_order` holds a share of events back behind later ones, `duplicates` sends a share twice
    (same event_id, same bytes), `invalid` adds that share of extra dead-letter lines.
    """

    offices: int
    days: int
    seed: int
    start: date
    out_of_order: float = 0.0
    duplicates: float = 0.0
    invalid: float = 0.0
    staffing: tuple[tuple[str, str, int], ...] = ()
    """(office_id, service_code, counters): serve a service with that many counters instead of the office's
    own, for the same arrivals (how the staffing advice is tried out)."""
    run_id: str = ""
    """Names a run apart from others of the same seed: the same events, under other event, ticket, complaint
    and survey ids, so a second run is stored beside the first instead of repeating it."""


@dataclass(frozen=True, slots=True)
class SimulatedRecord:
    """One message as a producer would send it.

    `key` is the office_id (the Kafka key, so one office stays in one partition), `payload` the exact
    UTF-8 JSON bytes, `occurred_at` the event's time in UTC (for an invalid line, the time of the valid
    event it was inserted next to) and `valid_expected` whether the contract validator must accept it.
    """

    key: str
    payload: bytes
    occurred_at: datetime
    valid_expected: bool = True


RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_.]{1,32}")
"""Letters, digits, '_' and '.': it goes into every id, which must stay short and unambiguous ('-' separates)."""


def check_options(options: SimulationOptions, catalog_size: int) -> None:
    """Raise ValueError naming the offending option (and the catalog size) when a run is impossible."""
    if options.offices < 1:
        raise ValueError(f"offices must be at least 1, got {options.offices}")
    if options.offices > catalog_size:
        raise ValueError(
            f"offices={options.offices} but the catalog has only {catalog_size} offices; "
            f"ask for at most {catalog_size} or use a larger catalog"
        )
    if options.days < 1:
        raise ValueError(f"days must be at least 1, got {options.days}")
    if options.run_id and not RUN_ID_PATTERN.fullmatch(options.run_id):
        raise ValueError(f"run id {options.run_id!r} must be 1-32 letters, digits, '_' or '.', e.g. 2026.11.02a")
    for name in ("out_of_order", "duplicates", "invalid"):
        share = getattr(options, name)
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} is a share between 0 and 1, got {share}")
