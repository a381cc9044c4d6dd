"""The simulation's main loop: day by day, all offices merged into one time-ordered stream."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from pantau.catalog import Catalog
from producers.simulation.delivery import deliver, encode
from producers.simulation.office_day import office_day, stamp
from producers.simulation.options import SimulatedRecord, SimulationOptions
from producers.simulation.profiles import OfficeProfile, office_profile, stable_seed

_EASTERNMOST = timedelta(hours=9)  # WIT: the first office day starts at local midnight UTC+9


def simulate(catalog: Catalog, options: SimulationOptions) -> Iterator[SimulatedRecord]:
    """Stream the simulation's records in delivery order; deterministic for a seed.

    Generates one local day at a time, so memory holds a day of events plus pending complaint
    follow-ups, whatever the number of days.
    """
    if options.offices > len(catalog.offices):
        raise ValueError(f"--offices {options.offices}: the catalog has only {len(catalog.offices)} offices")
    if options.days < 1:
        raise ValueError("--days must be at least 1")
    profiles = [office_profile(office, catalog, options.seed) for office in catalog.offices[: options.offices]]
    rng = random.Random(stable_seed(options.seed, "delivery"))
    ordered = _ordered(profiles, catalog, options)
    return deliver(ordered, rng, options.out_of_order, options.duplicates, options.invalid)


def _ordered(profiles: list[OfficeProfile], catalog: Catalog, options: SimulationOptions) -> Iterator[SimulatedRecord]:
    pending: list[tuple[datetime, int, SimulatedRecord]] = []
    tie = 0
    end = datetime.combine(options.start + timedelta(days=options.days), time(), tzinfo=UTC) - _EASTERNMOST
    for offset in range(options.days):
        day = options.start + timedelta(days=offset)
        for profile in profiles:
            office_id = profile.office.id
            events, later = office_day(profile, catalog, day, options.seed)
            events.sort(key=lambda item: item[0])
            for sequence, (at, body) in enumerate(events, start=1):
                event_id = f"s{options.seed}-{office_id}-{day:%Y%m%d}-{sequence:05d}"
                tie += 1
                heapq.heappush(pending, (at.astimezone(UTC), tie, _record(office_id, at, body, event_id)))
            for at, body in later:
                if at.astimezone(UTC) >= end:
                    continue  # happens after the simulated period
                event_id = f"s{options.seed}-{office_id}-{body['complaint_id']}-{body['type'].split('.')[1]}"
                tie += 1
                heapq.heappush(pending, (at.astimezone(UTC), tie, _record(office_id, at, body, event_id)))
        # Everything before the next local day starts anywhere (WIT midnight) is final.
        cutoff = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - _EASTERNMOST
        while pending and pending[0][0] < cutoff:
            yield heapq.heappop(pending)[2]
    while pending:
        yield heapq.heappop(pending)[2]


def _record(office_id: str, at: datetime, body: dict[str, object], event_id: str) -> SimulatedRecord:
    return SimulatedRecord(office_id, encode(stamp(body, office_id, at, event_id)), at.astimezone(UTC))
