"""How many counters a service needs for its published standard: Erlang C (M/M/c), DOMAIN.md "Staffing advice".

Offered load a = lambda x S / 3600 Erlangs, with lambda the tickets issued per hour and S the mean
service time in seconds. With c counters (c > a) a citizen waits at all with probability
P_wait(c) (Erlang C) and waits at most T seconds with probability SL(c) = 1 - P_wait(c) x
exp(-(c - a) x T / S). The counters needed are the fewest c > a with SL(c) >= the service's target
share (target_within). With c <= a the queue grows without bound: P_wait = 1 and SL = 0.

The textbook form a^c / c! overflows a float from c = 171 on, and loses precision long before: P_wait
is computed from the Erlang B recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which stays in
[0, 1] for any load, and C(c) = c B(c) / (c - a (1 - B(c))). The model's assumptions (random
arrivals, exponential service, one queue per service, no one leaving the queue) are stated wherever
the advice is shown.
"""

from __future__ import annotations

import math

MAX_COUNTERS = 100_000
"""No advice beyond this many counters: an input that needs more is a unit mistake, not an office."""


def offered_load(arrivals_per_hour: float, mean_service_s: float) -> float:
    """The offered load in Erlangs: the counters the work would keep busy all the time."""
    _require(arrivals_per_hour >= 0 and math.isfinite(arrivals_per_hour), "arrivals per hour must be >= 0")
    _require(mean_service_s >= 0 and math.isfinite(mean_service_s), "the mean service time must be >= 0")
    return arrivals_per_hour * mean_service_s / 3600.0


def erlang_b(load: float, counters: int) -> float:
    """The Erlang B blocking probability B(c), by the recursion that never overflows."""
    _require(load >= 0 and math.isfinite(load), "the load must be a finite number >= 0")
    _require(counters >= 0, "the number of counters must be >= 0")
    blocking = 1.0
    for k in range(1, counters + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def p_wait(load: float, counters: int) -> float:
    """Erlang C: the probability that a citizen has to wait at all; 1 when the counters cannot keep up."""
    if counters <= load:
        return 1.0
    if load == 0:
        return 0.0
    return _erlang_c(load, counters, erlang_b(load, counters))


def service_level(load: float, counters: int, target_wait_s: float, mean_service_s: float) -> float:
    """The share of citizens who wait at most `target_wait_s`; 0 when the counters cannot keep up."""
    _require(target_wait_s >= 0, "the target wait must be >= 0")
    if counters <= load:
        return 0.0
    if load == 0:
        return 1.0
    return _service_level(load, counters, p_wait(load, counters), target_wait_s, mean_service_s)


def counters_needed(load: float, target_wait_s: float, mean_service_s: float, target_share: float) -> int:
    """The fewest counters with a service level of at least `target_share`; 0 when nobody comes.

    Counts up from the first c above the load, carrying the Erlang B recursion along, so the cost is
    linear in the answer whatever the load.
    """
    _require(0 < target_share < 1, "the target share must lie strictly between 0 and 1")
    _require(target_wait_s >= 0, "the target wait must be >= 0")
    if load == 0:
        return 0
    _require(mean_service_s > 0, "a load needs a mean service time > 0")
    if load >= MAX_COUNTERS:
        raise ValueError(f"a load of {load:.0f} Erlangs needs more than {MAX_COUNTERS:,} counters: check the units")
    counters = math.floor(load) + 1
    blocking = erlang_b(load, counters)
    while counters <= MAX_COUNTERS:
        level = _service_level(load, counters, _erlang_c(load, counters, blocking), target_wait_s, mean_service_s)
        if level >= target_share:
            return counters
        counters += 1
        blocking = load * blocking / (counters + load * blocking)
    raise ValueError(f"a load of {load:.0f} Erlangs needs more than {MAX_COUNTERS:,} counters: check the units")


def _erlang_c(load: float, counters: int, blocking: float) -> float:
    return counters * blocking / (counters - load * (1.0 - blocking))


def _service_level(load: float, counters: int, waiting: float, target_wait_s: float, mean_service_s: float) -> float:
    return 1.0 - waiting * math.exp(-(counters - load) * target_wait_s / mean_service_s)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)
