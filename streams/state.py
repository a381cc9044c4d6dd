"""The worker's stores, its outputs, and each office's event-time clock with its sweep schedule.

Every store key starts with the office_id (the events topic is keyed by office_id, so a key's state
stays on its event's partition). Every value is plain JSON, or an object whose JSON is made at the
checkpoint (streams/typed_state.py); the changelog carries JSON.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pantau.kafka import topics
from streams.typed_state import Live

Store = MutableMapping[str, Any]
SweepKind = Literal["tickets", "windows", "late", "surveys", "event_ids", "complaints"]
SWEEP_BUCKET_S = 3600
SWEEP_CHUNK = 64
"""Items per stored chunk of a sweep bucket: a booking rewrites only its bucket's last chunk."""


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
    """office|hour -> item count, office|hour|i -> [kind, key]: what to look at once the hour is behind the clock."""
    late: Store = field(default_factory=dict)
    """window key -> updates that came too late for that window."""
    fairness: Store = field(default_factory=dict)
    """office|service -> queue-jump detector."""
    punctuality: Store = field(default_factory=dict)
    """office -> first counter openings per local day."""
    burn: Store = field(default_factory=dict)
    """office|service -> rolling good/bad counts and the compliance signals sent."""
    event_ids: Store = field(default_factory=dict)
    """office|event_id -> [content digest, position first seen], for conflicting duplicates."""


def sweep_hour(moment: datetime) -> int:
    """Epoch seconds of the start of the sweep bucket (UTC hour) holding `moment`."""
    seconds = math.floor(moment.timestamp())
    return seconds - seconds % SWEEP_BUCKET_S


class OfficeClock:
    """One office's event-time clock (its latest accepted event time), whether it is live, and its sweeps.

    The clock only moves with accepted events (an event from the future is a dead letter before it
    gets here), and never goes back. `live` says whether the event that last moved it arrived
    within the live lag (PANTAU_STREAM_LIVE_MAX_AHEAD_S) of occurring: an office whose systems send
    in real time is judged by the wall clock between its events (live breaches), one fed history (a
    replay, a backfill, a simulation catching up) by its event clock only.

    Expiry and retention are scheduled into hour buckets by due time, so a sweep reads a bucket's
    items instead of scanning every key of every store. A bucket is a header `office|hour` holding
    its item count and chunk size, {"n": count, "c": SWEEP_CHUNK}, and its items in chunks,
    `office|hour|c<j>` -> [[kind, key], ...] of at most SWEEP_CHUNK items: booking an item rewrites
    the header and the bucket's last chunk only (a list per bucket would be rewritten whole on
    every booking), and a flush sends one message per chunk changed, not one per item (one key
    per item was 1.6 changelog messages per event, benchmarks/RESULTS.md). Buckets of earlier
    releases (one key per item `office|hour|i`, or the items in the header) are read and swept
    as they are. Items may repeat; every sweep step checks that what it is about to remove is
    still due.
    """

    def __init__(self, office_id: str, latest: datetime | None, due: list[int], live: bool = False) -> None:
        self.office_id = office_id
        self.latest = latest
        self.live = live
        self._due = due
        self._changed = False

    @classmethod
    def load(cls, clocks: Store, office_id: str) -> OfficeClock:
        """The office's clock from the store (the object itself, kept there between events), or a new one."""
        stored = clocks.get(office_id)
        if isinstance(stored, Live):
            clock: OfficeClock = stored.value
            return clock
        if stored is None:
            return cls(office_id, None, [])
        due = [int(hour) for hour in stored["due"]]
        return cls(office_id, datetime.fromisoformat(stored["latest"]), due, bool(stored.get("live", False)))

    def save(self, clocks: Store) -> None:
        """Write the clock back if it changed; its JSON is made at the checkpoint (streams/typed_state.py)."""
        if self._changed and self.latest is not None:
            clocks[self.office_id] = Live(self, OfficeClock.to_json)
            self._changed = False

    def to_json(self) -> dict[str, Any]:
        """The clock's durable form."""
        assert self.latest is not None  # saved only once it has a time
        return {"latest": self.latest.isoformat(), "due": list(self._due), "live": self.live}

    def observe(self, at: datetime, arrived_live: bool = False) -> None:
        """Advance to `at` if it is later: the clock never goes back.

        `arrived_live`: the event was received within the live lag of occurring. Only the event that
        moves the clock decides `live`: an older event (a backfill mixed into a live stream) moves
        nothing, so it cannot make a live office look like history.
        """
        if self.latest is None or at > self.latest:
            self.latest = at.astimezone(UTC)
            self.live = arrived_live
            self._changed = True

    def schedule(self, sweep: Store, due_at: datetime, kind: SweepKind, key: str) -> None:
        """Look at `key` (of the store named by `kind`) at the first sweep past `due_at`."""
        hour = sweep_hour(due_at)
        bucket_key = f"{self.office_id}|{hour}"
        header = sweep.get(bucket_key)
        if header is not None and "n" in header and "c" not in header:
            # a bucket of the release before chunks: one key per item, continued as it is
            count = int(header["n"])
            sweep[f"{bucket_key}|{count}"] = [kind, key]
            sweep[bucket_key] = {"n": count + 1}
        else:
            count = int(header["n"]) if header is not None and "n" in header else 0
            items = [] if header is None or "n" in header else _items_of_oldest_bucket(header)
            items.append([kind, key])
            for item in items:
                chunk_key = f"{bucket_key}|c{count // SWEEP_CHUNK}"
                earlier = sweep.get(chunk_key) if count % SWEEP_CHUNK else None
                sweep[chunk_key] = [*(earlier or []), item]  # a new list: a stored value is never changed in place
                count += 1
            sweep[bucket_key] = {"n": count, "c": SWEEP_CHUNK}
        if hour not in self._due:
            self._due = sorted([*self._due, hour])
            self._changed = True

    def take_due(self, sweep: Store) -> list[tuple[str, str]]:
        """Remove and return the (kind, key) items of the buckets wholly behind the clock, oldest first."""
        if self.latest is None:
            return []
        now = self.latest.timestamp()
        taken: list[tuple[str, str]] = []
        while self._due and self._due[0] + SWEEP_BUCKET_S <= now:
            hour = self._due.pop(0)
            self._changed = True
            bucket_key = f"{self.office_id}|{hour}"
            header = sweep.get(bucket_key)
            if header is None:
                continue
            del sweep[bucket_key]
            if "n" not in header:  # the oldest form: the bucket's items in the header itself
                taken += [(kind, key) for kind, key in _items_of_oldest_bucket(header)]
            elif "c" in header:
                size = int(header["c"])
                for chunk in range(-(-int(header["n"]) // size)):
                    items = sweep.get(f"{bucket_key}|c{chunk}")
                    if items is not None:
                        del sweep[f"{bucket_key}|c{chunk}"]
                        taken += [(str(kind), str(key)) for kind, key in items]
            else:  # one key per item (the release before chunks)
                for index in range(int(header["n"])):
                    item = sweep.get(f"{bucket_key}|{index}")
                    if item is not None:
                        del sweep[f"{bucket_key}|{index}"]
                        taken.append((str(item[0]), str(item[1])))
        return taken


def _items_of_oldest_bucket(header: dict[str, Any]) -> list[list[str]]:
    """The [kind, key] items of a bucket written as {kind: [keys]} (the first release with sweeps)."""
    return [[kind, key] for kind, keys in header.items() for key in keys]
