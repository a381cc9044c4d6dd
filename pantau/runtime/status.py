"""The live status line of `pantau up`: events since it started, a smoothed rate, lags, restarts, the simulated clock.

Counts are since this `up` started (the topics keep earlier runs' events, which are not this run's
work); the rate is over a sliding window (one 2 s sample jumps between 0/s and bursts); lags are in
events (messages not yet committed by the stage's consumer group).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pantau.kafka import topics
from pantau.kafka.lag import LagProbe

WIB = ZoneInfo("Asia/Jakarta")
RATE_WINDOW_S = 30.0


@dataclass(frozen=True)
class PipelineStatus:
    """What the status line shows; `line()` is pure formatting."""

    events: int
    """Events written to the events topic since this `up` started."""
    events_per_s: float
    worker_lag: int | None
    sink_lag: int
    dead_letters: int
    simulated_clock: datetime | None = None
    restarts: Mapping[str, int] = field(default_factory=dict)
    note: str | None = None

    def line(self) -> str:
        return format_status(self)


def format_status(status: PipelineStatus) -> str:
    """One line: 'since start: events 1,234 (46/s, 30 s avg) | worker lag 12 events | ...'."""
    worker = "-" if status.worker_lag is None else f"{status.worker_lag:,} events"
    parts = [
        f"since start: events {status.events:,} ({status.events_per_s:,.1f}/s, {RATE_WINDOW_S:g} s avg)",
        f"worker lag {worker}",
        f"sink lag {status.sink_lag:,} events",
        f"dead letters {status.dead_letters:,}",
    ]
    if status.simulated_clock is not None:
        parts.append(f"simulated clock {status.simulated_clock.astimezone(WIB):%Y-%m-%d %H:%M} WIB")
    restarted = {name: count for name, count in status.restarts.items() if count}
    if restarted:
        parts.append("restarts " + ", ".join(f"{name} {count}" for name, count in sorted(restarted.items())))
    if status.note:
        parts.append(status.note)
    return " | ".join(parts)


class RateWindow:
    """Events per second over the last `window_s` seconds of (time, running total) samples."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self._window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, total: int) -> float:
        """Record a sample; the rate between the oldest sample still in the window and this one."""
        self._samples.append((now, total))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window_s:
            self._samples.popleft()
        first_t, first_total = self._samples[0]
        return (total - first_total) / (now - first_t) if now > first_t else 0.0


class StatusSampler:
    """Samples topic end offsets and group lags; counts are relative to the first sample (the start of `up`)."""

    def __init__(
        self, probe: LagProbe, prefix: str, worker_group: str | None, sink_group: str, sink_topics: list[str]
    ) -> None:
        self._probe = probe
        self._events_topic = topics.EVENTS.name(prefix)
        self._dead_letter_topic = topics.DEAD_LETTERS.name(prefix)
        self._worker_group = worker_group
        self._sink_group = sink_group
        self._sink_topics = sink_topics
        self._baseline: tuple[int, int] | None = None
        self._rate = RateWindow()

    def start(self) -> None:
        """Take the baseline now (before anything of this run was sent)."""
        self._baseline = self._totals()

    def _totals(self) -> tuple[int, int]:
        ends = self._probe.end_offsets([self._events_topic, self._dead_letter_topic])
        events = sum(offset for partition, offset in ends.items() if partition.topic == self._events_topic)
        dead = sum(offset for partition, offset in ends.items() if partition.topic == self._dead_letter_topic)
        return events, dead

    def sample(
        self,
        simulated_clock: datetime | None = None,
        restarts: Mapping[str, int] | None = None,
        note: str | None = None,
    ) -> PipelineStatus:
        events, dead = self._totals()
        if self._baseline is None:
            self._baseline = (events, dead)
        events, dead = events - self._baseline[0], dead - self._baseline[1]
        rate = self._rate.add(time.monotonic(), events)
        worker = None
        if self._worker_group is not None:
            worker = self._probe.group_lag(self._worker_group, [self._events_topic]).total
        sink = self._probe.group_lag(self._sink_group, self._sink_topics).total
        return PipelineStatus(max(0, events), rate, worker, sink, max(0, dead), simulated_clock, restarts or {}, note)
