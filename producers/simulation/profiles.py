"""Per-office character: size, staffing and punctuality, drawn once from the seed.

Most offices are adequately staffed; a few are chronically understaffed (their waits breach targets,
complaints and poor survey scores follow) and a few open their counters late. This spread is what
makes the dashboards and alerts worth looking at.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date

from pantau.catalog import Catalog, Office


def stable_seed(*parts: object) -> int:
    """A seed derived from its parts that does not depend on Python's per-process string hashing."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True)
class OfficeProfile:
    office: Office
    counters: dict[str, int]  # per service
    arrivals_per_hour: dict[str, float]  # per service, at the daily average
    service_time_factor: float  # > 1: slower counters
    understaffed: bool
    late_opener: bool

    def rng(self, seed: int, day: date) -> random.Random:
        return random.Random(stable_seed(seed, self.office.id, day.isoformat()))


def office_profile(office: Office, catalog: Catalog, seed: int) -> OfficeProfile:
    """The office's size, staffing and punctuality for a seed."""
    rng = random.Random(stable_seed(seed, office.id, "profile"))
    big = office.id.startswith("MPP") or len(office.services) >= 5
    understaffed = rng.random() < 0.2
    speed = rng.uniform(1.1, 1.3) if understaffed else rng.uniform(0.75, 0.95)
    counters = {}
    arrivals = {}
    for service in office.services:
        counters[service] = rng.randint(2, 4) if big else rng.randint(1, 3)
        per_counter_hour = 60.0 / (catalog.service(service).target_service_min * speed)
        # Average load 55-75 % of capacity (the morning peak goes past it briefly); understaffed
        # offices run at or past capacity, so their queues grow through the day.
        load = rng.uniform(0.95, 1.15) if understaffed else rng.uniform(0.5, 0.7)
        arrivals[service] = counters[service] * per_counter_hour * load
    return OfficeProfile(
        office=office,
        counters=counters,
        arrivals_per_hour=arrivals,
        service_time_factor=speed,
        understaffed=understaffed,
        late_opener=rng.random() < 0.15,
    )
