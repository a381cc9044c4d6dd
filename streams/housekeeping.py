"""Bounded memory: tickets, windows, late counts and survey ids leave the state when the office clock is past them.

A ticket with no event for `ticket_ttl_s` of its office's event time is expired: removed from the
state and the waiting queue. One that never produced a row (never ended, or ended without its
ticket.issued) is reported as a `ticket_expired` signal, so a stuck queue system or a lost event
shows up instead of vanishing; one whose row was written leaves quietly, its row is in `tickets`.
A late event for an expired ticket starts a new state, which expires in turn.
"""

from __future__ import annotations

from datetime import timedelta

from pantau.contract.models import ServiceStarted, TicketCalled
from streams.breaches import BreachTracker
from streams.logic.ticket_lifecycle import TicketState
from streams.options import StreamOptions
from streams.signals import TICKET_EXPIRED, signal_output
from streams.state import OfficeClock, Output, Stores


class Housekeeping:
    """Runs the sweeps an office's clock has made due."""

    def __init__(self, breaches: BreachTracker, options: StreamOptions) -> None:
        self._breaches = breaches
        self._ttl_s = options.ticket_ttl_s

    def schedule_ticket(self, state: TicketState, clock: OfficeClock, stores: Stores) -> None:
        """Look at the ticket again when it would be stale, unless that sweep is already booked."""
        if state.last_event_at is not None:
            due = state.last_event_at + timedelta(seconds=self._ttl_s)
            clock.schedule(stores.sweep, due, "tickets", f"{state.office_id}|{state.ticket_id}")

    def sweep(self, clock: OfficeClock, stores: Stores) -> list[Output]:
        """Expire, drop and report whatever the due sweep buckets hold."""
        outputs: list[Output] = []
        for bucket in clock.take_due(stores.sweep):
            for key in bucket["tickets"]:
                outputs += self._expire(key, clock, stores)
            dropped = (
                (stores.windows, bucket["windows"]),
                (stores.late, bucket["late"]),
                (stores.surveys_seen, bucket.get("surveys", [])),
            )
            for store, keys in dropped:
                for key in keys:
                    if key in store:
                        del store[key]
        return outputs

    def _expire(self, key: str, clock: OfficeClock, stores: Stores) -> list[Output]:
        stored = stores.tickets.get(key)
        if stored is None or clock.latest is None:
            return []
        state = TicketState.from_dict(stored)
        if state.last_event_at is None or not state.is_stale(clock.latest, self._ttl_s):
            return []  # it had news since: a later bucket holds it
        del stores.tickets[key]
        self._breaches.forget(state.office_id, state.ticket_id, stores)
        if state.revision > 0:
            return []
        counter = state.events.get("started") or state.events.get("called")
        known = ", ".join(sorted(state.events))
        # The last event's time tells apart a ticket that comes back after expiring (a late event
        # starts a new state) from its first expiry, so each keeps its own deterministic row.
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
                value=(clock.latest - state.last_event_at).total_seconds(),
                threshold=self._ttl_s,
                severity="warn",
                detail=f"{state.pending_reason()}; events: {known}",
            )
        ]
