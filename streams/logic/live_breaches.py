"""Waiting-time breaches as sla_breaches rows, and the index of one office's tickets waiting now.

Two kinds, named as the dashboards read them:

- `live_wait`: the ticket was still waiting when its wait passed the service's target (DOMAIN: a live
  breach, to be raised before it is served). The row depends on the ticket and its target only:
  `detected_at` is the moment the wait passed the target (issued_at + target, "since when") and
  `observed_s` equals `threshold_s`. Whoever notices first (an event advancing the office clock, the
  wall-clock timer, the ticket's own late end) therefore writes the same row under the same id, so
  noticing twice, or again after a crash, only replaces it with itself. How long the ticket waited in
  the end is in its `completed_wait` row and in `tickets`.
- `completed_wait`: the ticket's wait (issued to started) exceeded the target; `detected_at` is
  started_at, `observed_s` the wait. It is versioned with the ticket row, so a revised wait replaces it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.logic.sla import LIVE_WAIT_KIND, live_breach_id

COMPLETED_WAIT_KIND = "completed_wait"


def completed_breach_id(office_id: str, ticket_id: str) -> str:
    """The sla_breaches key of a completed breach."""
    return f"done:{office_id}:{ticket_id}"


def live_breach_row(
    office_id: str, ticket_id: str, service_code: str, issued_at: datetime, target_s: float
) -> dict[str, Any]:
    """The live_wait row of a ticket (every column but `_version`, which is always 1)."""
    return {
        "breach_id": live_breach_id(office_id, ticket_id),
        "office_id": office_id,
        "service_code": service_code,
        "ticket_id": ticket_id,
        "kind": LIVE_WAIT_KIND,
        "detected_at": (issued_at + timedelta(seconds=target_s)).astimezone(UTC),
        "threshold_s": float(target_s),
        "observed_s": float(target_s),
    }


def waited_past_target(row: Mapping[str, Any]) -> bool:
    """True when a tickets row shows its ticket waiting past the target: served late or left late."""
    target_s = float(row["target_wait_s"])
    if row.get("wait_s") is not None:
        return float(row["wait_s"]) > target_s
    if row.get("outcome") == "abandoned":
        waited: timedelta = row["ended_at"] - row["issued_at"]
        return waited.total_seconds() > target_s
    return False


def live_row_of_ticket(row: Mapping[str, Any]) -> dict[str, Any]:
    """The live_wait row of an ended ticket that `waited_past_target`."""
    return live_breach_row(
        str(row["office_id"]),
        str(row["ticket_id"]),
        str(row["service_code"]),
        row["issued_at"],
        float(row["target_wait_s"]),
    )


def completed_breach_row(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The completed_wait row of a tickets row with a wait (every column but `_version`), else None."""
    if row.get("wait_s") is None or row.get("started_at") is None:
        return None
    return {
        "breach_id": completed_breach_id(str(row["office_id"]), str(row["ticket_id"])),
        "office_id": row["office_id"],
        "service_code": row["service_code"],
        "ticket_id": row["ticket_id"],
        "kind": COMPLETED_WAIT_KIND,
        "detected_at": row["started_at"],
        "threshold_s": float(row["target_wait_s"]),
        "observed_s": float(row["wait_s"]),
    }


@dataclass(frozen=True)
class Waiting:
    """A ticket in the queue: what a live_wait row needs."""

    ticket_id: str
    service_code: str
    issued_at: datetime
    target_s: float


class WaitingIndex:
    """The tickets of one office waiting now, and which of them were reported as live breaches.

    Kept small on purpose (only tickets in the queue, no history) because the worker rewrites it
    whenever a ticket joins or leaves; each entry holds its due time as epoch seconds, so finding
    the tickets past target needs no date parsing.

    Entries are never changed in place (marking one reported replaces it), so the stored form can
    share them with the index and `to_dict` copies only the mapping; and the earliest due time of
    the unreported entries is remembered, so the check that every event makes of its office is one
    comparison until a ticket is actually due.
    """

    def __init__(self, entries: dict[str, list[Any]] | None = None) -> None:
        # ticket -> [service_code, issued_at ISO, due epoch s, target_s, reported 0/1]
        self._entries = entries if entries is not None else {}
        self._earliest: float | None = None  # earliest due of the unreported entries; None: not known

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> WaitingIndex:
        """Inverse of `to_dict`; None gives an empty index."""
        if not data:
            return cls()
        # The store's lists are shared, not copied: neither side ever changes one in place.
        return cls({str(k): v if isinstance(v, list) else list(v) for k, v in data["tickets"].items()})

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe form for a table keyed by office; a copy, so later changes leave it as it was."""
        return {"tickets": dict(self._entries)}

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, ticket_id: str, service_code: str, issued_at: datetime, target_s: float) -> bool:
        """Put a ticket in the queue; False if it already is."""
        if ticket_id in self._entries:
            return False
        due = issued_at.timestamp() + target_s
        self._entries[ticket_id] = [service_code, issued_at.isoformat(), due, target_s, 0]
        if self._earliest is not None:
            self._earliest = min(self._earliest, due)
        return True

    def remove(self, ticket_id: str) -> bool:
        """Take a ticket out of the queue; False if it was not in it."""
        entry = self._entries.pop(ticket_id, None)
        if entry is None:
            return False
        if self._earliest is not None and not entry[4] and entry[2] <= self._earliest:
            self._earliest = None
        return True

    def is_reported(self, ticket_id: str) -> bool:
        """True when the ticket's live breach was already sent from the event path."""
        entry = self._entries.get(ticket_id)
        return entry is not None and bool(entry[4])

    def past_target(self, now: datetime, include_reported: bool = False) -> list[Waiting]:
        """Tickets whose wait at `now` exceeds their target, in issue order."""
        cutoff = now.timestamp()
        if not include_reported and cutoff <= self._earliest_unreported():
            return []
        found = [
            Waiting(ticket_id, entry[0], datetime.fromisoformat(entry[1]), float(entry[3]))
            for ticket_id, entry in self._entries.items()
            if entry[2] < cutoff and (include_reported or not entry[4])
        ]
        return sorted(found, key=lambda waiting: (waiting.issued_at, waiting.ticket_id))

    def mark_reported(self, ticket_ids: list[str]) -> None:
        """Remember that these tickets' live breaches were sent."""
        for ticket_id in ticket_ids:
            entry = self._entries[ticket_id]
            self._entries[ticket_id] = [*entry[:4], 1, *entry[5:]]
        self._earliest = None

    def _earliest_unreported(self) -> float:
        """The earliest due time of the entries not yet reported (infinity for none)."""
        if self._earliest is None:
            self._earliest = min((entry[2] for entry in self._entries.values() if not entry[4]), default=math.inf)
        return self._earliest
