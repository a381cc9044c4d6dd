"""Keep CPython's cycle collector from pausing the worker for longer as its state grows.

The worker's state is millions of small container objects (every live ticket, and every ended one
until the late horizon, as typed objects), long-lived and without reference cycles: they are freed
by reference counting when a ticket expires. CPython's full collection walks every tracked object
nonetheless, and it runs each time the objects promoted since the last one reach a quarter of the
rest, so its pause grows with the state: 0.07 s at 145,000 tracked objects and 0.41 s at 530,000 in
a pipeline run, 0.92 s at 1.2 million in benchmarks/gc_pauses.py (benchmarks/RESULTS.md). Every
partition of the worker stalls for that long, at once.

`gc.freeze()` moves every tracked object to the permanent generation, which no collection walks; it
is a constant-time list splice. Doing it once a second leaves the collector only what was allocated
since, so full collections stay short. Objects frozen are still freed by reference counting as ever;
what is given up is collecting a reference cycle among objects that were alive at a freeze and die
later. The worker's long-lived state has none, and the full collections of a pipeline run found 0
to 70 objects to free each time: what cyclic garbage the worker makes is collected young, before a
freeze reaches it. benchmarks/worker_memory.py showed RSS flat over a simulated month with it.
PANTAU_STREAM_GC_FREEZE=false turns it off.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

FREEZE_INTERVAL_S = 1.0
"""Seconds between freezes: the most allocation a full collection may have to walk."""


class CollectorPolicy:
    """Freezes the collector's generations at most every `interval_s`, when enabled; `tick` after each batch."""

    def __init__(
        self, freeze: bool, interval_s: float = FREEZE_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._freeze = freeze
        self._interval_s = interval_s
        self._clock = clock
        self._last = float("-inf")
        self.freezes = 0

    def tick(self) -> None:
        """Freeze now if enabled and the interval has passed since the last freeze."""
        if not self._freeze:
            return
        now = self._clock()
        if now - self._last < self._interval_s:
            return
        gc.freeze()
        self._last = now
        self.freezes += 1
