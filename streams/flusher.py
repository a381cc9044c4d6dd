"""When and how the worker flushes its durable state (streams/durable_state.py) to the changelog.

A flush writes each key changed since the last one once, waits until Kafka has those values, and
only then lets the state delete the journal records they cover. It runs inside the agent, between
two events, so no event is half applied while it looks at the state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from streams.durable_state import DurableState

MAX_PENDING_RECORDS = 20_000
"""Flush sooner than the interval once this many journal records wait (bounds memory and recovery)."""


class StateFlusher:
    """Flushes `state` at most every `interval_s` seconds, or when many journal records wait."""

    def __init__(
        self, app: Any, state: DurableState, interval_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._app = app
        self._state = state
        self._interval_s = interval_s
        self._clock = clock
        self._last = clock()

    async def maybe_flush(self) -> bool:
        """Flush if it is due; True if it did."""
        due = self._clock() - self._last >= self._interval_s
        if not due and self._state.pending_records() < MAX_PENDING_RECORDS:
            return False
        await self.flush()
        return True

    async def flush(self) -> None:
        """Write the changed values, wait until Kafka has them, then seal the journal they cover."""
        self._last = self._clock()
        plan = self._state.flush_base()
        if not plan.through:
            return
        await self._app.producer.flush()  # drains Faust's buffer too (streams/durable_commits.py)
        self._state.seal(plan)
