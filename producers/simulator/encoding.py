"""Writing events as contract-v1 JSON lines: common fields first, local timestamps, stable event ids.

Event ids are `<run>-<office_id>-<yyyymmdd>-<n>`: unique (one writer per office and local day,
numbered in generation order), deterministic for a seed, and readable when a data team traces an
event back to the run that made it. Over-long ids (huge seeds or office ids) fall back to a hash.

`<run>` is `s<seed>`, or `s<seed>.<run id>` with a run id. Ticket, complaint and survey ids carry it
too (`KTP-20261102-s1-0001`): the stored facts are keyed by office and ticket id, so without it a run
with another seed would overwrite the first run's tickets of the same days.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import orjson

from producers.simulator.clock import LocalStamper, to_ms

_MAX_PREFIX = 110  # event_id is at most 128 characters
_MAX_TAG = 40  # leaves room in ticket ids for the service code, the day and the number


def run_tag(seed: int, run_id: str = "") -> str:
    """What sets a run's ids apart: `s<seed>` or `s<seed>.<run id>`, a hash when that is too long."""
    tag = f"s{seed}.{run_id}" if run_id else f"s{seed}"
    if len(tag) <= _MAX_TAG:
        return tag
    return "h" + hashlib.blake2b(tag.encode(), digest_size=8).hexdigest()


def local_id(kind: str, day: date, tag: str, number: int) -> str:
    """A ticket, complaint or survey id: `KTP-20261102-s1-0001`, unique per office across runs and days."""
    return f"{kind}-{day:%Y%m%d}-{tag}-{number:04d}"


def event_id_prefix(tag: str, office_id: str, day: date) -> str:
    """The part of an event id shared by an office-day's events."""
    prefix = f"{tag}-{office_id}-{day:%Y%m%d}"
    if len(prefix) <= _MAX_PREFIX:
        return prefix
    return "h" + hashlib.blake2b(prefix.encode(), digest_size=16).hexdigest()


class EventWriter:
    """Collects an office-day's events as (epoch ms, office_id, JSON bytes), ready to merge into the stream."""

    __slots__ = ("_count", "_office_id", "_prefix", "_stamp", "lines")

    def __init__(self, office_id: str, id_prefix: str, stamper: LocalStamper) -> None:
        self._office_id = office_id
        self._prefix = id_prefix
        self._stamp = stamper
        self._count = 0
        self.lines: list[tuple[int, str, bytes]] = []  # (epoch ms, office_id, JSON line)

    def emit(self, moment: float, event_type: str, fields: dict[str, Any], stamp: LocalStamper | None = None) -> None:
        """Write one event at `moment` (epoch seconds), stamped in the office-day's UTC offset.

        `stamp` overrides the offset, for follow-ups on later days.
        """
        ms = to_ms(moment)
        self._count += 1
        event: dict[str, Any] = {
            "event_id": f"{self._prefix}-{self._count:05d}",
            "type": event_type,
            "office_id": self._office_id,
            "occurred_at": (stamp or self._stamp)(ms),
            "v": 1,
        }
        event.update(fields)
        # orjson's bytes keep their 4 KB working buffer; a right-sized copy keeps a simulated day
        # (and a consumer's list of records) at ~300 bytes an event instead of 4 KB.
        self.lines.append((ms, self._office_id, bytes(memoryview(orjson.dumps(event)))))
