"""Per-office token buckets: a sustained events-per-second rate with a burst allowance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Counts events, not requests, so one huge batch cannot bypass the limit."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate_per_s
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def try_take(self, office_id: str, events: int) -> float:
        """Take `events` tokens; returns 0.0 if allowed, else the seconds to wait before retrying."""
        now = self._clock()
        bucket = self._buckets.setdefault(office_id, _Bucket(self._burst, now))
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if events <= bucket.tokens:
            bucket.tokens -= events
            return 0.0
        if events > self._burst:
            return float("inf")
        return (events - bucket.tokens) / self._rate
