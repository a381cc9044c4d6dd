"""When citizens arrive: a non-homogeneous Poisson process with a morning peak.

The daily shape follows what queue systems in Dukcapil and MPP offices report: a rush soon after
opening that peaks around 09:00-10:30, a lunch dip, a smaller early-afternoon bump, and Mondays
busier than Fridays.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

# Relative arrival intensity by local hour (weights average ~1 over a typical 08-15 day).
_HOURLY = {7: 0.7, 8: 1.3, 9: 1.7, 10: 1.5, 11: 1.1, 12: 0.6, 13: 0.9, 14: 0.8, 15: 0.6, 16: 0.4, 17: 0.3}
_WEEKDAY = {0: 1.25, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.8, 5: 0.9, 6: 0.5}
_PEAK = max(_HOURLY.values()) * max(_WEEKDAY.values())


def intensity(local: datetime) -> float:
    """Relative arrival intensity at a local time."""
    hour = local.hour + local.minute / 60.0
    low = _HOURLY.get(math.floor(hour), 0.3)
    high = _HOURLY.get(math.floor(hour) + 1, 0.3)
    fraction = hour - math.floor(hour)
    return (low * (1 - fraction) + high * fraction) * _WEEKDAY[local.weekday()]


def arrival_times(rng: random.Random, opens: datetime, last_issue: datetime, per_hour: float) -> list[datetime]:
    """Arrival instants between `opens` and `last_issue` (local, aware) by thinning a Poisson process."""
    times: list[datetime] = []
    peak_rate = per_hour * _PEAK / 3600.0
    if peak_rate <= 0:
        return times
    now = opens
    while True:
        now += timedelta(seconds=rng.expovariate(peak_rate))
        if now >= last_issue:
            return times
        if rng.random() * _PEAK <= intensity(now):
            times.append(now)
