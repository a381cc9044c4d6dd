"""The worker's stores, its outputs, and each office's event-time clock with its sweep schedule.

Every store key starts with the office_id (the events topic is keyed by office_id, so a key's state
stays on its event's partition), and every value is plain JSON (Faust tables serialize with JSON).
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pantau.kafka import topics

Store = MutableMapping[str, Any]
SweepKind = Literal["tickets", "windows", "late", "surveys"]
SWEEP_BUCKET_S = 3600


@dataclass(frozen=True)
class Output:
    """A message to send: topic, key and a JSON-serializable row."""

    topic: topics.TopicSpec
    key: str
    value: dict[str, Any] | bytes


@dataclass
class Stores:
    """The worker's state, one store per concern, keyed by strings that start with the office_id.

    The stores added for issue #4 default to plain dicts so callers that predate them keep working;
    the worker must give each a changelog-backed table, or that state is lost on restart.
    """

    tickets: Store
    windows: Store
    complaints: Store
    ikm: Store
    surveys_seen: Store
    clocks: Store = field(default_factory=dict)
    """office -> latest event time and the hours whose sweep is due."""
    waiting: Store = field(default_factory=dict)
    """office -> tickets waiting now, for live breaches."""
    sweep: Store = field(default_factory=dict)
    """office|hour -> ticket, window, late-count and survey keys to look at once the hour is behind the clock."""
    late: Store = field(default_factory=dict)
    """window key -> updates that came too late for that window."""
    fairness: Store = field(default_factory=dict)
    """office|service -> queue-jump detector."""
    punctuality: Store = field(default_factory=dict)
    """office -> first counter openings per local day."""
    burn: Store = field(default_factory=dict)
    """office|service -> rolling good/bad counts and the compliance signals sent."""


class OfficeClock:
    """One office's event-time clock (its latest event time) and the sweep hours it has scheduled.

    Expiry and window retention are scheduled into hour buckets by due time, so a sweep reads a
    bucket of keys instead of scanning every key of every store.
    """

    def __init__(self, office_id: str, latest: datetime | None, due: list[int]) -> None:
        self.office_id = office_id
        self.latest = latest
        self._due = due
        self._changed = False

    @classmethod
    def load(cls, clocks: Store, office_id: str) -> OfficeClock:
        """The office's clock from the store, or a new one before its first event."""
        stored = clocks.get(office_id)
        if stored is None:
            return cls(office_id, None, [])
        return cls(office_id, datetime.fromisoformat(stored["latest"]), [int(hour) for hour in stored["due"]])

    def save(self, clocks: Store) -> None:
        """Write the clock back if it changed."""
        if self._changed and self.latest is not None:
            clocks[self.office_id] = {"latest": self.latest.isoformat(), "due": self._due}
            self._changed = False

    def observe(self, at: datetime) -> None:
        """Advance to `at` if it is later: the clock never goes back."""
        if self.latest is None or at > self.latest:
            self.latest = at.astimezone(UTC)
            self._changed = True

    def schedule(self, sweep: Store, due_at: datetime, kind: SweepKind, key: str) -> None:
        """Look at `key` (of the store named by `kind`) at the first sweep past `due_at`."""
        seconds = math.floor(due_at.timestamp())
        hour = seconds - seconds % SWEEP_BUCKET_S
        bucket_key = f"{self.office_id}|{hour}"
        bucket = sweep.get(bucket_key) or {"tickets": [], "windows": [], "late": [], "surveys": []}
        keys = bucket.get(kind, [])
        if key in keys:
            return
        sweep[bucket_key] = {**bucket, kind: [*keys, key]}
        if hour not in self._due:
            self._due = sorted([*self._due, hour])
            self._changed = True

    def take_due(self, sweep: Store) -> list[dict[str, list[str]]]:
        """Remove and return the buckets whose hour is wholly behind the clock, oldest first."""
        if self.latest is None:
            return []
        now = self.latest.timestamp()
        taken = []
        while self._due and self._due[0] + SWEEP_BUCKET_S <= now:
            hour = self._due.pop(0)
            self._changed = True
            bucket_key = f"{self.office_id}|{hour}"
            bucket = sweep.get(bucket_key)
            if bucket is not None:
                del sweep[bucket_key]
                taken.append(bucket)
        return taken
