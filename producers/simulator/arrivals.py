"""When citizens arrive: a non-homogeneous Poisson process with the daily shape offices report.

The shape (relative intensity by local time) rises from 07:00, peaks between 09:00 and 10:30, dips
over the 12:00-13:00 lunch break, has a small early-afternoon bump and fades towards closing. Mondays
are busiest and Fridays quiet; the first open day after a weekday holiday catches up. Citizens who
arrive before opening wait at the door and take their tickets in the first minutes (tickets are only
issued while the office is open). Arrivals are drawn by thinning: candidates from a homogeneous
process at the peak rate, each kept with probability shape(t) / peak.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from producers.simulator.calendar import OfficeCalendar, OpenDay, is_holiday

PRE_OPEN_S = 30 * 60.0  # citizens start queueing at the door this long before opening
WEEKDAY_FACTOR = (1.25, 1.05, 1.0, 0.95, 0.85, 0.75, 0.5)  # Monday .. Sunday
AFTER_HOLIDAY_FACTOR = 1.2

# (local minute of the day, relative intensity); linear in between, 0 outside.
_SHAPE_POINTS = (
    (6 * 60 + 30, 0.0),
    (7 * 60, 0.15),
    (7 * 60 + 30, 0.4),
    (8 * 60, 0.75),
    (8 * 60 + 30, 1.2),
    (9 * 60, 1.75),
    (9 * 60 + 30, 1.95),
    (10 * 60 + 15, 1.95),
    (10 * 60 + 45, 1.6),
    (11 * 60 + 15, 1.2),
    (11 * 60 + 45, 0.85),
    (12 * 60, 0.6),
    (12 * 60 + 45, 0.5),
    (13 * 60 + 15, 0.8),
    (14 * 60, 0.7),
    (15 * 60, 0.45),
    (16 * 60, 0.3),
    (17 * 60, 0.15),
    (19 * 60, 0.0),
)


def _minute_table() -> tuple[float, ...]:
    table = [0.0] * (24 * 60 + 1)
    for (x0, y0), (x1, y1) in itertools.pairwise(_SHAPE_POINTS):
        for minute in range(x0, x1):
            table[minute] = y0 + (y1 - y0) * (minute - x0 + 0.5) / (x1 - x0)
    return tuple(table)


SHAPE_BY_MINUTE = _minute_table()
_WINDOWS: dict[tuple[int, int], tuple[float, float]] = {}


def day_factor(calendar: OfficeCalendar, day: date) -> float:
    """How busy a day is relative to an average one: weekday, and catching up after a holiday."""
    factor = WEEKDAY_FACTOR[day.weekday()]
    for back in (1, 2, 3):
        previous = day - timedelta(days=back)
        if calendar.office.opening_hours(previous) is not None and is_holiday(previous):
            return factor * AFTER_HOLIDAY_FACTOR
    return factor


def _window(first_minute: int, last_minute: int) -> tuple[float, float]:
    """(integral of the shape in shape-seconds, peak of the shape) over local minutes [first, last)."""
    key = (first_minute, last_minute)
    cached = _WINDOWS.get(key)
    if cached is None:
        values = SHAPE_BY_MINUTE[max(0, first_minute) : max(first_minute + 1, last_minute)]
        cached = (sum(values) * 60.0, max(values))
        _WINDOWS[key] = cached
    return cached


def issue_times(rng: random.Random, open_day: OpenDay, issue_end: float, expected: float) -> list[float]:
    """Sorted epoch seconds at which tickets are issued; about `expected` of them, all in [opens, issue_end)."""
    start = open_day.opens - PRE_OPEN_S
    first = int(open_day.local_minute(start))
    last = int(open_day.local_minute(issue_end)) + 1
    integral, peak = _window(first, last)
    if expected <= 0 or integral <= 0 or peak <= 0:
        return []
    peak_rate = expected * peak / integral  # arrivals per second at the shape's peak
    midnight = open_day.local_midnight
    shape = SHAPE_BY_MINUTE
    random_ = rng.random
    expovariate = rng.expovariate
    opens = open_day.opens
    waiting_at_door = 0
    times: list[float] = []
    moment = start
    while True:
        moment += expovariate(peak_rate)
        if moment >= issue_end:
            break
        if random_() * peak < shape[int((moment - midnight) / 60.0)]:
            if moment < opens:
                waiting_at_door += 1
            else:
                times.append(moment)
    # The kiosk opens with a line at the door: a ticket every few seconds, in arrival order.
    door: list[float] = []
    moment = opens
    for _ in range(waiting_at_door):
        moment += rng.uniform(4.0, 12.0)
        door.append(moment)
    times = sorted(door + times) if door and times and door[-1] > times[0] else door + times
    while times and times[-1] >= issue_end:  # only with an absurd crowd at the door
        times.pop()
    return times
