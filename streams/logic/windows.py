"""Tumbling windows on event time: alignment, lateness, and the accumulator behind window_metrics.

Windows are aligned to multiples of their length since the UTC epoch (300 s and 3600 s), not to local
time: every whole hour in WIB, WITA and WIT is also a whole UTC hour, so hourly windows still read as
local hours, and one rule serves every office.

Attribution follows CONTRACT section 4: a ticket's wait belongs to the window holding started_at; an
abandoned ticket to the window holding its ended_at; a complaint to the window holding filed_at.
`served` counts the tickets whose wait ended in the window (started, whatever the completion outcome),
so it is exactly the population of the wait percentiles and of `wait_mean_s`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from streams.logic.quantiles import QuantileSketch, nearest_rank

WINDOW_SIZES_S = (300, 3600)
DEFAULT_GRACE_S = 120

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

Lateness = Literal["on_time", "late_within_grace", "too_late"]


def window_start(ts: datetime, window_s: int) -> datetime:
    """Start (UTC) of the `window_s`-second tumbling window holding `ts`, aligned to the UTC epoch."""
    if ts.tzinfo is None:
        raise ValueError(f"naive timestamp {ts.isoformat()}: event times must carry their offset")
    if window_s <= 0:
        raise ValueError(f"window_s must be positive, got {window_s}")
    micros = (ts - _EPOCH) // _MICROSECOND  # integer arithmetic: no float drift at window edges
    return _EPOCH + timedelta(microseconds=micros - micros % (window_s * 1_000_000))


def window_end(start: datetime, window_s: int) -> datetime:
    """Exclusive end of the window starting at `start`."""
    return start + timedelta(seconds=window_s)


def classify_lateness(event_time: datetime, watermark: datetime | None, window_s: int, grace_s: float) -> Lateness:
    """Whether an event can still update its window, given the office's watermark.

    The watermark is the latest event time seen from the office (no allowance subtracted). A window
    is open while the watermark is before its end: `on_time`. After its end it still takes updates
    for `grace_s` seconds (`late_within_grace`: re-emit the window row with a higher version). After
    that the event is `too_late` for the window; the ticket fact itself is still written, so tables
    built from facts stay right, only the pre-aggregated window misses it.
    """
    if watermark is None:
        return "on_time"
    end = window_end(window_start(event_time, window_s), window_s)
    if watermark < end:
        return "on_time"
    if watermark < end + timedelta(seconds=grace_s):
        return "late_within_grace"
    return "too_late"


def window_closed(start: datetime, window_s: int, watermark: datetime | None, grace_s: float) -> bool:
    """True once no event can change the window any more: its end plus grace is behind the watermark."""
    return watermark is not None and watermark >= window_end(start, window_s) + timedelta(seconds=grace_s)


class Watermarks:
    """Latest event time seen per office: each office's own event-time clock.

    Per office, because offices' clocks and network delays differ: one office's backlog must not make
    another office's events late.
    """

    def __init__(self) -> None:
        self._latest: dict[str, datetime] = {}

    def observe(self, office_id: str, event_time: datetime) -> datetime:
        """Advance the office's watermark to `event_time` if later; returns the watermark."""
        current = self._latest.get(office_id)
        if current is None or event_time > current:
            self._latest[office_id] = event_time
            return event_time
        return current

    def get(self, office_id: str) -> datetime | None:
        """The office's watermark, or None before its first event."""
        return self._latest.get(office_id)


@dataclass(frozen=True)
class WindowUpdate:
    """One ticket's or complaint's contribution to one window (`sign=-1` takes it back)."""

    office_id: str
    service_code: str
    window_start: datetime
    window_s: int
    wait_s: float | None = None
    breached: bool = False
    abandoned: int = 0
    complaints: int = 0

    @property
    def key(self) -> tuple[str, str, datetime, int]:
        """The window_metrics key: (office_id, service_code, window_start, window_s)."""
        return (self.office_id, self.service_code, self.window_start, self.window_s)


def updates_for_ticket(fact: Mapping[str, Any], window_s: int) -> list[WindowUpdate]:
    """The window updates of a tickets row: its wait at started_at, or its abandonment at ended_at."""
    office_id, service_code = str(fact["office_id"]), str(fact["service_code"])
    updates: list[WindowUpdate] = []
    wait_s = fact.get("wait_s")
    started_at = fact.get("started_at")
    if wait_s is not None and isinstance(started_at, datetime):
        updates.append(
            WindowUpdate(
                office_id,
                service_code,
                window_start(started_at, window_s),
                window_s,
                wait_s=float(wait_s),
                breached=bool(fact.get("wait_breached")),
            )
        )
    if fact.get("outcome") == "abandoned":
        ended_at = fact["ended_at"]
        updates.append(WindowUpdate(office_id, service_code, window_start(ended_at, window_s), window_s, abandoned=1))
    return updates


def update_for_complaint(office_id: str, service_code: str | None, filed_at: datetime, window_s: int) -> WindowUpdate:
    """A complaint counts in the window of its filing; without a service it goes under service_code ''."""
    return WindowUpdate(office_id, service_code or "", window_start(filed_at, window_s), window_s, complaints=1)


EXACT_LIMIT = 64
"""Up to this many waits a window keeps them all and its percentiles are exact; beyond, the sketch's."""


def _micros(seconds: float) -> int:
    """A wait in whole microseconds: event times carry at most microseconds, so sums stay exact in any order."""
    return round(seconds * 1_000_000)


@dataclass
class WindowAccumulator:
    """Counts, the waits and their sketch of one (office, service, window); mergeable and reversible.

    Waits are summed in integer microseconds, so a window's mean is the same whatever order its
    tickets came in (floating-point sums are not). While a window holds at most EXACT_LIMIT waits
    they are kept too (`exact_us`), and its percentiles are exact nearest-rank values (most
    5-minute windows of one service hold a handful of tickets); once it has held more, it keeps
    the sketch only, for good, so its percentiles are within the sketch's 1%.
    """

    served: int = 0
    abandoned: int = 0
    wait_sketch: QuantileSketch = field(default_factory=QuantileSketch)
    wait_sum_us: int = 0
    breaches: int = 0
    complaints: int = 0
    exact_us: list[int] | None = field(default_factory=list)
    """Every wait (microseconds) while there are at most EXACT_LIMIT; None once there were more."""

    @property
    def wait_sum_s(self) -> float:
        """Sum of the waits in seconds."""
        return self.wait_sum_us / 1_000_000

    def add_wait(self, wait_s: float, breached: bool) -> None:
        """A ticket whose wait ended in this window."""
        micros = _micros(wait_s)
        self.served += 1
        self.wait_sketch.add(wait_s)
        self.wait_sum_us += micros
        self.breaches += int(breached)
        if self.exact_us is not None:
            self.exact_us.append(micros)
            if len(self.exact_us) > EXACT_LIMIT:
                self.exact_us = None

    def add_abandoned(self, count: int = 1) -> None:
        """Tickets abandoned in this window (not in the wait percentiles)."""
        self.abandoned += count

    def add_complaint(self, count: int = 1) -> None:
        """Complaints filed in this window."""
        self.complaints += count

    def apply(self, update: WindowUpdate, sign: Literal[1, -1] = 1) -> None:
        """Apply an update, or take it back with `sign=-1` when a revised ticket fact replaces an older one."""
        if update.wait_s is not None:
            if sign == 1:
                self.add_wait(update.wait_s, update.breached)
            else:
                micros = _micros(update.wait_s)
                self.wait_sketch.remove(update.wait_s)
                self.served -= 1
                self.wait_sum_us -= micros
                self.breaches -= int(update.breached)
                if self.exact_us is not None:
                    self.exact_us.remove(micros)
        self.abandoned += sign * update.abandoned
        self.complaints += sign * update.complaints

    def merge(self, other: WindowAccumulator) -> None:
        """Add another accumulator (e.g. twelve 5-minute windows into an hour)."""
        self.served += other.served
        self.abandoned += other.abandoned
        self.wait_sketch.merge(other.wait_sketch)
        self.wait_sum_us += other.wait_sum_us
        self.breaches += other.breaches
        self.complaints += other.complaints
        if self.exact_us is not None and other.exact_us is not None:
            self.exact_us += other.exact_us
            if len(self.exact_us) > EXACT_LIMIT:
                self.exact_us = None
        else:
            self.exact_us = None

    def wait_quantiles(self, qs: tuple[float, ...]) -> list[float | None]:
        """Nearest-rank quantiles of the waits: exact while the waits are kept, else the sketch's."""
        if self.served <= 0:
            return [None for _ in qs]
        if self.exact_us is not None:
            ordered = sorted(self.exact_us)
            return [ordered[nearest_rank(q, len(ordered)) - 1] / 1_000_000 for q in qs]
        return self.wait_sketch.quantiles(qs)

    def to_row(
        self, office_id: str, service_code: str, window_start: datetime, window_s: int, sketch_text: str | None = None
    ) -> dict[str, Any]:
        """The window_metrics row (every column but `_version`); percentiles are None with no waits.

        `wait_sketch` holds the sketch as base64 text, because rows travel as JSON to a String column;
        `sketch_text`: that text from a `to_dict` just made, so the sketch is not encoded twice.
        """
        has_waits = self.served > 0
        p50, p90, p95 = self.wait_quantiles((0.5, 0.9, 0.95))
        if sketch_text is None:
            self.wait_sketch.set_exact_sum(self.wait_sum_s)
        return {
            "office_id": office_id,
            "service_code": service_code,
            "window_start": window_start.astimezone(UTC),
            "window_s": window_s,
            "served": self.served,
            "abandoned": self.abandoned,
            "wait_p50_s": p50,
            "wait_p90_s": p90,
            "wait_p95_s": p95,
            "wait_mean_s": self.wait_sum_us / 1_000_000 / self.served if has_waits else None,
            "breaches": self.breaches,
            "complaints": self.complaints,
            "wait_sum_s": self.wait_sum_s,
            "wait_sketch": sketch_text if sketch_text is not None else self.wait_sketch.to_base64(),
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe form for a Faust table."""
        self.wait_sketch.set_exact_sum(self.wait_sum_s)
        return {
            "served": self.served,
            "abandoned": self.abandoned,
            "wait_sketch": self.wait_sketch.to_base64(),
            "wait_sum_us": self.wait_sum_us,
            "breaches": self.breaches,
            "complaints": self.complaints,
            "exact_us": self.exact_us,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowAccumulator:
        """Inverse of `to_dict`; reads the form written before waits were kept exactly (sketch only)."""
        if "wait_sum_us" in data:
            sum_us, exact = int(data["wait_sum_us"]), data.get("exact_us")
        else:
            sum_us, exact = _micros(float(data["wait_sum_s"])), None
        return cls(
            served=int(data["served"]),
            abandoned=int(data["abandoned"]),
            wait_sketch=QuantileSketch.from_base64(str(data["wait_sketch"])),
            wait_sum_us=sum_us,
            breaches=int(data["breaches"]),
            complaints=int(data["complaints"]),
            exact_us=[int(value) for value in exact] if exact is not None else None,
        )
