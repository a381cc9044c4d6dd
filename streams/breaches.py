"""sla_breaches out of the worker: from ticket rows, from the office's event-time clock, from a timer.

Three ways notice a live breach (rows in streams/logic/live_breaches.py): an event of the office
moves its clock past a waiting ticket's target (replays and quiet offices), the wall-clock timer
finds it in live mode (`LiveBreachTicker`, before anything else of the office happens), or the
ticket ends and its row shows it waited too long (events out of order). All three write the same row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pantau.catalog import Catalog
from pantau.kafka import topics
from streams.logic.live_breaches import (
    WaitingIndex,
    completed_breach_row,
    live_breach_row,
    live_row_of_ticket,
    waited_past_target,
)
from streams.logic.ticket_lifecycle import FactEmission, TicketState
from streams.state import OfficeClock, Output, Stores
from streams.typed_state import TypedStore

WAITING = TypedStore(WaitingIndex.from_dict, WaitingIndex.to_dict)
"""The waiting store: office -> its WaitingIndex (the tickets waiting now)."""


def live_output(row: dict[str, Any]) -> Output:
    """A live_wait row as a message keyed `office|ticket|live` (version 1: it never changes)."""
    return Output(topics.SLA_BREACHES, f"{row['office_id']}|{row['ticket_id']}|live", {**row, "_version": 1})


def completed_output(row: dict[str, Any], version: int) -> Output:
    """A completed_wait row as a message keyed `office|ticket|completed`, versioned with its ticket."""
    key = f"{row['office_id']}|{row['ticket_id']}|completed"
    return Output(topics.SLA_BREACHES, key, {**row, "_version": version})


class BreachTracker:
    """Keeps each office's waiting index in step with its tickets and turns breaches into messages."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def sync(self, state: TicketState, stores: Stores) -> None:
        """Put the ticket in, or take it out of, its office's queue after one of its events."""
        index = WAITING.load(stores.waiting, state.office_id)
        issued = state.issued
        if state.waiting and issued is not None and not state.expired:
            target_s = self._catalog.service(issued.service_code).target_wait_s
            changed = index.add(state.ticket_id, issued.service_code, issued.occurred_at, target_s)
        else:
            changed = index.remove(state.ticket_id)
        if changed:
            WAITING.save(stores.waiting, state.office_id, index)

    def forget(self, office_id: str, ticket_id: str, stores: Stores) -> None:
        """Take an expired ticket out of the queue."""
        index = WAITING.load(stores.waiting, office_id)
        if index.remove(ticket_id):
            WAITING.save(stores.waiting, office_id, index)

    def check(self, office_id: str, now: datetime, stores: Stores) -> list[Output]:
        """Live breaches of tickets waiting past target at office time `now`, each sent once."""
        if office_id not in stores.waiting:
            return []
        index = WAITING.load(stores.waiting, office_id)
        late = index.past_target(now)
        if not late:
            return []
        index.mark_reported([waiting.ticket_id for waiting in late])
        WAITING.save(stores.waiting, office_id, index)
        return [
            live_output(live_breach_row(office_id, w.ticket_id, w.service_code, w.issued_at, w.target_s)) for w in late
        ]

    def for_emission(self, emission: FactEmission) -> list[Output]:
        """Breach rows of a new or revised tickets row: completed_wait, and live_wait if it waited too long."""
        row, previous = emission.row, emission.previous
        outputs = []
        if waited_past_target(row) and not (previous is not None and waited_past_target(previous)):
            outputs.append(live_output(live_row_of_ticket(row)))
        breach = completed_breach_row(row)
        was_breached = previous is not None and bool(previous["wait_breached"])
        if breach is not None and (row["wait_breached"] or was_breached):
            outputs.append(completed_output(breach, emission.revision))
        return outputs

    def replay(self, state: TicketState, stores: Stores) -> list[Output]:
        """The breach rows a ticket has sent so far, for an event already in the state."""
        index = WAITING.load(stores.waiting, state.office_id)
        issued = state.issued
        if index.is_reported(state.ticket_id) and issued is not None:
            target_s = self._catalog.service(issued.service_code).target_wait_s
            row = live_breach_row(state.office_id, state.ticket_id, issued.service_code, issued.occurred_at, target_s)
            return [live_output(row)]
        last = state.last_emitted
        if last is None or not waited_past_target(last):
            return []
        outputs = [live_output(live_row_of_ticket(last))]
        breach = completed_breach_row(last)
        if breach is not None and last["wait_breached"]:
            outputs.append(completed_output(breach, state.revision))
        return outputs


class LiveBreachTicker:
    """Live breaches by the wall clock, for a Faust timer in live mode; reads the stores, never writes.

    Only offices whose clock is `live` are judged by the wall clock: the event that last moved
    their clock arrived within the live lag of occurring (streams/state.py). A replay, a backfill
    or a simulation catching up runs far behind the wall clock, and its queues hold tickets whose
    service events simply have not been sent yet; judging them by the wall clock would call them
    breaches. Those offices get their live breaches from their own event clock. And only tickets
    issued on the office's current local day count: a ticket left in the queue yesterday (a lost
    end event) is stale data, not a citizen waiting since then; it expires (ticket_expired).

    Faust tables cannot be written outside stream iteration, so the ticker only reads the waiting
    index and remembers in memory which tickets it has sent. After a restart it may send a breach
    again: the row is identical, so the sink keeps one. Tickets the event path already reported are
    skipped.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._sent: dict[str, set[str]] = {}

    def tick(self, now: datetime, stores: Stores) -> list[Output]:
        """live_wait messages for tickets waiting past target at wall-clock `now` not sent before."""
        outputs = []
        for office in self._catalog.offices:
            clock = OfficeClock.load(stores.clocks, office.id)
            if office.id not in stores.waiting or clock.latest is None:
                self._sent.pop(office.id, None)
                continue
            if not clock.live:
                continue  # replayed or backfilled: its event clock decides
            day_start = office.day_start(now)
            index = WAITING.load(stores.waiting, office.id)  # read only: the ticker never writes
            sent = {ticket_id for ticket_id in self._sent.get(office.id, set()) if ticket_id in index}
            for waiting in index.past_target(now):
                if waiting.ticket_id in sent or waiting.issued_at < day_start:
                    continue
                sent.add(waiting.ticket_id)
                row = live_breach_row(
                    office.id, waiting.ticket_id, waiting.service_code, waiting.issued_at, waiting.target_s
                )
                outputs.append(live_output(row))
            self._sent[office.id] = sent
        return outputs
