"""Grafana's panel interval, as its frontend computes it (grafana/grafana
packages/grafana-data/src/datetime/rangeutil.ts: intervalToMs, roundInterval, calculateInterval).

The interval a panel's `$__timeInterval` and `$__interval_s` receive is the range divided by the
panel's max data points, rounded to the next "nice" step, and never below the panel's `interval`
(its minimum). Pure functions: the tests and the rule checks use them to know what Grafana sends.
"""

from __future__ import annotations

import re

_INTERVAL = re.compile(r"^(-?\d+(?:\.\d+)?)(ms|[Mwdhmsy])")
_SECONDS = {"y": 31536000, "M": 2592000, "w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
# (upper bound exclusive, rounded value), both in ms: roundInterval's switch, top to bottom.
_ROUNDING = (
    (10, 1), (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000), (3500, 2000),
    (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000), (45000, 30000), (90000, 60000),
    (210000, 120000), (450000, 300000), (750000, 600000), (1050000, 900000), (1500000, 1200000),
    (2700000, 1800000), (5400000, 3600000), (9000000, 7200000), (16200000, 10800000), (32400000, 21600000),
    (86400000, 43200000), (604800000, 86400000), (1814400000, 604800000), (3628800000, 2592000000),
)
YEAR_MS = 31536000000


def duration_ms(text: str) -> int:
    """intervalToMs: "5m" -> 300000; a unit-less number is seconds."""
    try:
        return int(float(text) * 1000)
    except ValueError:
        pass
    match = _INTERVAL.match(text)
    if match is None:
        raise ValueError(f"interval {text!r}: expected a number and one of ms, s, m, h, d, w, M, y")
    return int(_SECONDS[match.group(2)] * 1000 * int(float(match.group(1))))


def round_interval(interval_ms: float) -> int:
    """roundInterval: the nice step for a raw interval in ms."""
    for bound, rounded in _ROUNDING:
        if interval_ms < bound:
            return rounded
    return YEAR_MS


def calculate_interval_ms(range_ms: float, max_data_points: int, min_interval: str | None = None) -> int:
    """calculateInterval: round(range / max data points), raised to the panel's minimum interval."""
    low_limit = duration_ms(min_interval) if min_interval else 1
    return max(round_interval(range_ms / max_data_points), low_limit)
