"""Writing events as contract-v1 JSON lines: common fields first, local timestamps, stable event ids.

Event ids are `s<seed>-<office_id>-<yyyymmdd>-<n>`: unique (one writer per office and local day,
numbered in generation order), deterministic for a seed, and readable when a data team traces an
event back to the run that made it. Over-long ids (huge seeds or office ids) fall back to a hash.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import orjson

from producers.simulator.clock import LocalStamper, to_ms

_MAX_PREFIX = 110  # event_id is at most 128 characters


def event_id_prefix(seed: int, office_id: str, day: date) -> str:
    """The part of an event id shared by an office-day's events."""
    prefix = f"s{seed}-{office_id}-{day:%Y%m%d}"
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
