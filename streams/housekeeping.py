"""Bounded memory: tickets, windows, late counts, survey and event ids leave the state when the clock is past them.

Everything here counts in office time by arrival: a backfilled day's tickets are kept as long as
today's, because they expire from the office clock at their arrival (`TicketState.touched_at`), not
from their own old times (which would expire them the moment they arrive, and lose their rows).

A ticket goes in two steps:
1. After `ticket_ttl_s` without news it leaves the queue (`expired`). One that never produced a row
   (never ended, or ended without its ticket.issued) is reported as a `ticket_expired` signal, so a
   stuck queue system or a lost event shows up instead of vanishing. Its state stays.
2. After `late_horizon_s` without news its state goes. Until then a late event still completes the
   fact (an end event a day late, a ticket.issued that comes after its completion) or revises it.
Complaints due for a deadline or for removal are handed to `ComplaintDeadlines`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pantau.contract.models import ServiceStarted, TicketCalled
from streams.breaches import BreachTracker
from streams.complaint_deadlines import ComplaintDeadlines
from streams.logic.ticket_lifecycle import TicketState
from streams.options import StreamOptions
from streams.signals import TICKET_EXPIRED, signal_output
from streams.state import OfficeClock, Output, Stores, sweep_hour
from streams.typed_state import TICKETS


class Housekeeping:
    """Books and runs the sweeps an office's clock makes due."""

    def __init__(self, breaches: BreachTracker, complaints: ComplaintDeadlines, options: StreamOptions) -> None:
        self._breaches = breaches
        self._complaints = complaints
        self._ttl_s = options.ticket_ttl_s
        self._horizon_s = options.late_horizon_s

    def schedule_ticket(
        self, state: TicketState, touched_before: datetime | None, clock: OfficeClock, stores: Stores
    ) -> None:
        """Book the ticket's next step (leaving the queue, or its removal) unless that hour is already booked.

        `touched_before`: the ticket's `touched_at` before this event (None for a new state); an
        event that leaves the due hour as it was books nothing, so a ticket's five events make one
        sweep item, not five.
        """
        if state.touched_at is None:
            return
        wait_s = self._horizon_s if state.expired else self._ttl_s
        due = state.touched_at + timedelta(seconds=wait_s)
        if touched_before is not None and sweep_hour(touched_before + timedelta(seconds=wait_s)) == sweep_hour(due):
            return
        clock.schedule(stores.sweep, due, "tickets", f"{state.office_id}|{state.ticket_id}")

    def sweep(self, clock: OfficeClock, stores: Stores) -> list[Output]:
        """Expire, drop and report whatever the due sweep buckets hold."""
        outputs: list[Output] = []
        dropped = {
            "windows": stores.windows,
            "late": stores.late,
            "surveys": stores.surveys_seen,
            "event_ids": stores.event_ids,
        }
        for kind, key in clock.take_due(stores.sweep):
            if kind == "tickets":
                outputs += self._ticket_due(key, clock, stores)
            elif kind == "complaints":
                outputs += self._complaints.due(key, clock, stores)
            elif kind in dropped and key in dropped[kind]:
                del dropped[kind][key]
        return outputs

    def _ticket_due(self, key: str, clock: OfficeClock, stores: Stores) -> list[Output]:
        if key not in stores.tickets or clock.latest is None:
            return []
        state = TICKETS.load(stores.tickets, key)
        if state.expired:
            if state.is_stale(clock.latest, self._horizon_s):
                del stores.tickets[key]
            return []  # else it had news since: a later bucket holds it
        if not state.is_stale(clock.latest, self._ttl_s):
            return []
        state.expired = True
        TICKETS.save(stores.tickets, key, state)
        self._breaches.forget(state.office_id, state.ticket_id, stores)
        since = state.touched_at or state.last_event_at
        assert since is not None
        clock.schedule(stores.sweep, since + timedelta(seconds=self._horizon_s), "tickets", key)
        if state.revision > 0 or state.last_event_at is None:
            return []
        counter = state.events.get("started") or state.events.get("called")
        known = ", ".join(sorted(state.events))
        # The last event's time tells apart a ticket that expires again after a late event from its
        # first expiry, so each keeps its own deterministic row.
        last = int(state.last_event_at.timestamp())
        return [
            signal_output(
                f"{TICKET_EXPIRED}:{state.office_id}:{state.ticket_id}:{last}",
                TICKET_EXPIRED,
                state.office_id,
                f"{state.ticket_id}|{last}",
                clock.latest,
                1,
                service_code=state.service_code or "",
                counter_id=counter.counter_id if isinstance(counter, ServiceStarted | TicketCalled) else "",
                subject_id=state.ticket_id,
                value=(clock.latest - since).total_seconds(),
                threshold=self._ttl_s,
                severity="warn",
                detail=f"{state.pending_reason()}; events: {known}",
            )
        ]
