"""A ticket's lifecycle from its events, in any order and any number of times, to one tickets row.

Events of one ticket come from different systems (kiosk, counter application) and arrive out of order
and more than once (CONTRACT section 1). The state therefore never depends on arrival order: for each
event type it keeps one event, chosen by a fixed rule on (occurred_at, event_id):

- ticket.issued, ticket.called, service.started, ticket.abandoned: the earliest (the wait ends at the
  first start; a recalled ticket was first called at its first call);
- service.completed: the latest (a corrected outcome wins).

Choosing is idempotent, so a duplicate changes nothing even when its event_id has dropped out of the
bounded `seen` list; that list only makes duplicates cheap and tells the caller nothing changed.

When a ticket has both a completion and an abandonment, the completion wins: the citizen was served
(e.g. a no-show who came back); the abandonment stays in the state but not in the row.

Emission. A row exists once the ticket has ended (completed or abandoned) AND its ticket.issued is
known, because service_code and the waiting target come from the issued event. If the end arrives
first, the state holds it and emits nothing until ticket.issued arrives, however late. A ticket that
never ends is never a row (live breaches cover it while it waits).

Expiry goes by arrival, not by the events' own times: `touched_at` is the office clock when the
ticket last had news, so a backfilled day's tickets live as long as today's. After the ticket TTL
without news a ticket leaves the queue (`expired`; `pending_reason` says why it has no row) but its
state stays until the late horizon, so an end event that comes later still produces the fact.

Revisions. A late event can change an emitted row (a late ticket.called fills called_at, a late
service.started fills the wait). `emit` then returns the new row with `revision` one higher and the
previous row, so the sink writes it with a higher `_version` (ReplacingMergeTree keeps the newest)
and the window accumulator can take the previous contribution back.

Clock skew: a start before the issue (two systems' clocks) gives a negative difference; wait_s and
service_s are clamped at 0, the raw timestamps stay in the row for anyone checking.
Abandoned tickets have wait_s NULL (DOMAIN: not in waiting-time percentiles); how long they waited
before leaving is ended_at - issued_at, both in the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pantau.catalog.model import Catalog
from pantau.contract.models import ServiceCompleted, ServiceStarted, TicketAbandoned, TicketCalled, TicketIssued

TicketEvent = TicketIssued | TicketCalled | ServiceStarted | ServiceCompleted | TicketAbandoned
Outcome = Literal["served", "rejected_incomplete", "referred", "abandoned"]

STATE_VERSION = 1
MAX_SEEN_EVENT_IDS = 16
COMPLETED_OUTCOMES = frozenset({"served", "rejected_incomplete", "referred"})
"""Outcomes of a completed service: the citizen was attended at a counter (complaint rate, IKM N)."""

_SLOT_TYPES: dict[str, type[TicketEvent]] = {
    "issued": TicketIssued,
    "called": TicketCalled,
    "started": ServiceStarted,
    "completed": ServiceCompleted,
    "abandoned": TicketAbandoned,
}
_SLOT_OF_TYPE = {
    "ticket.issued": "issued",
    "ticket.called": "called",
    "service.started": "started",
    "service.completed": "completed",
    "ticket.abandoned": "abandoned",
}
_KEEP_LATEST = frozenset({"completed"})
_DATETIME_COLUMNS = ("issued_at", "called_at", "started_at", "ended_at")


@dataclass(frozen=True)
class FactEmission:
    """A tickets row to write, its revision (1 = first), and the row it replaces, if any."""

    row: dict[str, Any]
    revision: int
    previous: dict[str, Any] | None


@dataclass
class TicketState:
    """Everything known about one ticket; serializable with `to_dict` / `from_dict` for a Faust table."""

    office_id: str
    ticket_id: str
    events: dict[str, TicketEvent] = field(default_factory=dict)
    seen_event_ids: list[str] = field(default_factory=list)
    last_event_at: datetime | None = None
    revision: int = 0
    last_emitted: dict[str, Any] | None = None
    touched_at: datetime | None = None
    """The office clock when this ticket last had news (its expiry counts from here)."""
    expired: bool = False
    """Left the queue after the ticket TTL without news; kept for late events until the horizon."""
    _encoded: dict[str, tuple[TicketEvent, dict[str, Any]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """slot -> (event, its contract JSON): a state is written back after every event of its ticket,
    and dumping its unchanged events each time was a tenth of the processor's time."""
    _emitted_json: tuple[dict[str, Any], dict[str, Any]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """(last_emitted, its JSON form), for the same reason."""

    # -- applying events -------------------------------------------------------------------------

    def apply(self, event: TicketEvent) -> bool:
        """Fold an event in; True when the state changed, False (and nothing changed) for a duplicate or a losing tie.

        A False leaves the state exactly as it was, so a caller holding the stored object itself
        (streams/typed_state.py) has nothing to save.
        """
        if event.office_id != self.office_id or event.ticket_id != self.ticket_id:
            raise ValueError(
                f"event {event.event_id} is for {event.office_id}/{event.ticket_id}, "
                f"not {self.office_id}/{self.ticket_id}"
            )
        if event.event_id in self.seen_event_ids:
            return False
        slot = _SLOT_OF_TYPE[event.type]
        current = self.events.get(slot)
        if current is not None and not _wins(event, current, latest=slot in _KEEP_LATEST):
            return False
        self.seen_event_ids.append(event.event_id)
        del self.seen_event_ids[:-MAX_SEEN_EVENT_IDS]
        if self.last_event_at is None or event.occurred_at > self.last_event_at:
            self.last_event_at = event.occurred_at
        self.events[slot] = event
        return True

    # -- reading ---------------------------------------------------------------------------------

    @property
    def issued(self) -> TicketIssued | None:
        event = self.events.get("issued")
        return event if isinstance(event, TicketIssued) else None

    @property
    def service_code(self) -> str | None:
        """The ticket's service, known once ticket.issued arrived."""
        issued = self.issued
        return issued.service_code if issued else None

    @property
    def ended(self) -> bool:
        """Completed or abandoned."""
        return "completed" in self.events or "abandoned" in self.events

    @property
    def waiting(self) -> bool:
        """Issued and not yet started, abandoned or completed, as far as known (a call does not end a wait)."""
        return self.issued is not None and not ({"started", "completed", "abandoned"} & self.events.keys())

    def pending_reason(self) -> str | None:
        """Why `fact` is None, in words for a dead letter or a log line; None when a row exists."""
        if not self.ended:
            return "ticket has not ended (no service.completed or ticket.abandoned)"
        if self.issued is None:
            return "ticket ended but its ticket.issued never arrived"
        return None

    def touch(self, office_now: datetime) -> None:
        """Note the office clock at an event of this ticket; expiry counts from the latest such moment."""
        if self.touched_at is None or office_now > self.touched_at:
            self.touched_at = office_now

    def is_stale(self, now: datetime, ttl_s: float) -> bool:
        """True when this ticket had no news for more than `ttl_s` seconds of office time before `now`.

        News is counted by arrival (`touched_at`, the office clock at its latest event), falling back
        to the latest event's own time for a state that was never touched.
        """
        since = self.touched_at or self.last_event_at
        return since is not None and (now - since).total_seconds() > ttl_s

    def fact(self, catalog: Catalog) -> dict[str, Any] | None:
        """The tickets row (every column but `_version`), or None until ended and issued are known.

        Raises KeyError for a service missing from the catalog; validation dead-letters such events.
        """
        issued = self.issued
        if issued is None or not self.ended:
            return None
        called = self.events.get("called")
        started = self.events.get("started")
        completed = self.events.get("completed")
        abandoned = self.events.get("abandoned")
        target_wait_s = catalog.service(issued.service_code).target_wait_s

        outcome: Outcome
        abandon_reason = ""
        if isinstance(completed, ServiceCompleted):
            outcome, ended_at = completed.outcome, completed.occurred_at
        else:
            assert isinstance(abandoned, TicketAbandoned)
            outcome, ended_at = "abandoned", abandoned.occurred_at
            abandon_reason = abandoned.reason or ""

        counter_id = officer_id = ""
        if isinstance(started, ServiceStarted):
            counter_id, officer_id = started.counter_id, started.officer_id or ""
        elif isinstance(called, TicketCalled):
            counter_id = called.counter_id

        wait_s = service_s = None
        if started is not None and outcome != "abandoned":
            wait_s = max(0.0, (started.occurred_at - issued.occurred_at).total_seconds())
            if completed is not None:
                service_s = max(0.0, (completed.occurred_at - started.occurred_at).total_seconds())

        return {
            "office_id": self.office_id,
            "ticket_id": self.ticket_id,
            "service_code": issued.service_code,
            "priority_group": issued.priority_group or "",
            "channel": issued.channel or "",
            "counter_id": counter_id,
            "officer_id": officer_id,
            "issued_at": _utc(issued.occurred_at),
            "called_at": _utc(called.occurred_at) if called else None,
            "started_at": _utc(started.occurred_at) if started else None,
            "ended_at": _utc(ended_at),
            "wait_s": wait_s,
            "service_s": service_s,
            "outcome": outcome,
            "abandon_reason": abandon_reason,
            "target_wait_s": target_wait_s,
            "wait_breached": int(wait_s is not None and wait_s > target_wait_s),
        }

    def emit(self, catalog: Catalog) -> FactEmission | None:
        """The row to write now: a first row, a revision when it changed since the last one, else None."""
        row = self.fact(catalog)
        if row is None or row == self.last_emitted:
            return None
        previous = self.last_emitted
        self.revision += 1
        self.last_emitted = row
        return FactEmission(row=row, revision=self.revision, previous=previous)

    # -- serialization ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe form (events as contract JSON, times as RFC 3339)."""
        return {
            "v": STATE_VERSION,
            "office_id": self.office_id,
            "ticket_id": self.ticket_id,
            "events": {slot: self._event_json(slot, event) for slot, event in self.events.items()},
            "seen_event_ids": list(self.seen_event_ids),
            "last_event_at": self.last_event_at.isoformat() if self.last_event_at else None,
            "revision": self.revision,
            "last_emitted": self._last_emitted_json(),
            "touched_at": self.touched_at.isoformat() if self.touched_at else None,
            "expired": self.expired,
        }

    def remember_json(self, event: TicketEvent, encoded: dict[str, Any]) -> None:
        """Keep `encoded` (the event's `model_dump(mode="json")`, made anyway) as its stored form, if it is here.

        The dict is shared with the stored state from then on, so the caller must not change it.
        """
        slot = _SLOT_OF_TYPE[event.type]
        if self.events.get(slot) is event:
            self._encoded[slot] = (event, encoded)

    def _event_json(self, slot: str, event: TicketEvent) -> dict[str, Any]:
        """The event's contract JSON, dumped once per event object (stored states share it, never change it)."""
        cached = self._encoded.get(slot)
        if cached is not None and cached[0] is event:
            return cached[1]
        encoded = event.model_dump(mode="json")
        self._encoded[slot] = (event, encoded)
        return encoded

    def _last_emitted_json(self) -> dict[str, Any] | None:
        """`last_emitted` in JSON form, converted once per row object."""
        row = self.last_emitted
        if row is None:
            return None
        if self._emitted_json is None or self._emitted_json[0] is not row:
            self._emitted_json = (row, _row_to_json(row))
        return self._emitted_json[1]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TicketState:
        """Inverse of `to_dict`; refuses a state written by a newer version."""
        if data.get("v") != STATE_VERSION:
            raise ValueError(f"ticket state version {data.get('v')!r} is not readable (expected {STATE_VERSION})")
        events: dict[str, TicketEvent] = {
            slot: _SLOT_TYPES[slot].model_validate(payload) for slot, payload in data["events"].items()
        }
        last_event_at = data.get("last_event_at")
        last_emitted = data.get("last_emitted")
        touched_at = data.get("touched_at")
        return cls(
            office_id=str(data["office_id"]),
            ticket_id=str(data["ticket_id"]),
            events=events,
            seen_event_ids=[str(event_id) for event_id in data["seen_event_ids"]],
            last_event_at=datetime.fromisoformat(last_event_at) if last_event_at else None,
            revision=int(data["revision"]),
            last_emitted=_row_from_json(last_emitted) if last_emitted is not None else None,
            touched_at=datetime.fromisoformat(touched_at) if touched_at else None,
            expired=bool(data.get("expired", False)),
        )


def _wins(candidate: TicketEvent, current: TicketEvent, latest: bool) -> bool:
    candidate_key = (candidate.occurred_at, candidate.event_id)
    current_key = (current.occurred_at, current.event_id)
    return candidate_key > current_key if latest else candidate_key < current_key


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _row_to_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}


def _row_from_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: datetime.fromisoformat(value) if key in _DATETIME_COLUMNS and value is not None else value
        for key, value in row.items()
    }
