"""A day's counter staffing: who opens late, who takes the lunch break when, which officer sits where.

Punctuality: at a chronically late office each counter opens late on most days (6-35 minutes);
elsewhere a counter is occasionally late (4 % of counter-days, 6-20 minutes). On time means within
two minutes of the published opening, well inside the 5-minute grace the punctuality rule allows.

Breaks (istirahat): a service with two or more counters keeps serving over lunch, so every second
counter closes from 12:00 to 13:00 local (Fridays 11:30-13:00, for Friday prayers) and comes back,
some minutes late. The break is sent as counter.closed / counter.opened, as queue systems do; it is
skipped when it does not fit inside the day's hours.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from producers.simulator.calendar import OpenDay
from producers.simulator.profiles import OfficeProfile, ServiceDesk

CHRONIC_LATE_DAY_SHARE = 0.6
OCCASIONAL_LATE_SHARE = 0.04
_FRIDAY = 4


@dataclass(frozen=True, slots=True)
class CounterPlan:
    """One counter on one day."""

    counter_id: str
    officer_id: str
    opens_at: float  # epoch seconds
    break_start: float  # math.inf when the counter takes no break
    break_end: float


def opening_delay_s(rng: random.Random, chronically_late: bool) -> float:
    """Seconds after the published opening at which a counter opens."""
    if chronically_late and rng.random() < CHRONIC_LATE_DAY_SHARE:
        return rng.uniform(6, 35) * 60.0
    if rng.random() < OCCASIONAL_LATE_SHARE:
        return rng.uniform(6, 20) * 60.0
    return rng.uniform(0.0, 120.0)


def officers_on_duty(rng: random.Random, profile: OfficeProfile) -> list[str]:
    """Officer ids for the day's counters: a pool a third larger than the counters, rotated daily."""
    counters = sum(len(desk.counter_ids) for desk in profile.desks)
    pool = [f"PTG{number:03d}" for number in range(1, counters + counters // 3 + 2)]
    return rng.sample(pool, counters)


def plan_counters(
    rng: random.Random, profile: OfficeProfile, desk: ServiceDesk, open_day: OpenDay, officers: list[str]
) -> list[CounterPlan]:
    """Plans for the desk's counters; `officers` is consumed from the front."""
    start_minute, end_minute = (11 * 60 + 30, 13 * 60) if open_day.day.weekday() == _FRIDAY else (12 * 60, 13 * 60)
    break_start = open_day.local_midnight + start_minute * 60.0
    break_end = open_day.local_midnight + end_minute * 60.0
    break_fits = open_day.opens < break_start and break_end < open_day.closes - 30 * 60.0
    plans: list[CounterPlan] = []
    for position, counter_id in enumerate(desk.counter_ids):
        takes_break = break_fits and len(desk.counter_ids) >= 2 and position % 2 == 1
        plans.append(
            CounterPlan(
                counter_id=counter_id,
                officer_id=officers.pop(0),
                opens_at=open_day.opens + opening_delay_s(rng, profile.chronically_late),
                break_start=break_start if takes_break else math.inf,
                break_end=break_end + (rng.uniform(0.0, 8.0) * 60.0 if takes_break else 0.0),
            )
        )
    return plans
