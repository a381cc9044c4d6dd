"""The live status line of `pantau up`: event rate, lag of each stage, dead letters."""

from __future__ import annotations

import time
from dataclasses import dataclass

from pantau.kafka import topics
from pantau.kafka.lag import LagProbe


@dataclass(frozen=True)
class PipelineStatus:
    events_total: int
    events_per_s: float
    worker_lag: int | None
    sink_lag: int
    dead_letters: int

    def line(self) -> str:
        worker = "-" if self.worker_lag is None else f"{self.worker_lag:,}"
        return (
            f"events {self.events_total:,} ({self.events_per_s:,.0f}/s) | worker lag {worker} | "
            f"sink lag {self.sink_lag:,} | dead letters {self.dead_letters:,}"
        )


class StatusSampler:
    """Samples topic end offsets and group lags; the rate is the change since the previous sample."""

    def __init__(
        self, probe: LagProbe, prefix: str, worker_group: str | None, sink_group: str, sink_topics: list[str]
    ) -> None:
        self._probe = probe
        self._events_topic = topics.EVENTS.name(prefix)
        self._dead_letter_topic = topics.DEAD_LETTERS.name(prefix)
        self._worker_group = worker_group
        self._sink_group = sink_group
        self._sink_topics = sink_topics
        self._previous: tuple[float, int] | None = None

    def sample(self) -> PipelineStatus:
        ends = self._probe.end_offsets([self._events_topic, self._dead_letter_topic])
        events = sum(offset for partition, offset in ends.items() if partition.topic == self._events_topic)
        dead = sum(offset for partition, offset in ends.items() if partition.topic == self._dead_letter_topic)
        now = time.monotonic()
        rate = 0.0
        if self._previous is not None and now > self._previous[0]:
            rate = (events - self._previous[1]) / (now - self._previous[0])
        self._previous = (now, events)
        worker = None
        if self._worker_group is not None:
            worker = self._probe.group_lag(self._worker_group, [self._events_topic]).total
        sink = self._probe.group_lag(self._sink_group, self._sink_topics).total
        return PipelineStatus(events, rate, worker, sink, dead)
